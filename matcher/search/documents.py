"""What of a dossier or a need is embedded and indexed, and the metadata used to filter it."""

from dataclasses import dataclass
from datetime import date

from matcher.models import Dossier, Need


@dataclass(frozen=True)
class Document:
    """The searchable form of one record: its text, language and filterable attributes."""

    id: int
    title: str
    text: str
    language: str
    status: str
    sector_codes: tuple[str, ...]
    origin_country: str = ""
    trl: int | None = None
    transfer_modes: tuple[str, ...] = ()
    enterprise_id: int | None = None
    valid_until: date | None = None  # listed through this day (see matcher.models.validity)


def join_fields(*parts: str) -> str:
    """Fields as one passage of prose: 'Title. Summary. Description' (e5 was trained on prose)."""
    text = ""
    for part in (p.strip() for p in parts if p and p.strip()):
        if not text:
            text = part
        else:
            text += (" " if text[-1] in ".!?;:" else ". ") + part
    return text


def dossier_text(dossier: Dossier) -> str:
    """The text of a dossier that is embedded and searched."""
    return join_fields(dossier.title, dossier.summary, dossier.description, dossier.advantages,
                       ", ".join(dossier.keywords))


def need_text(need: Need) -> str:
    """The text of a need that is embedded and searched."""
    return join_fields(need.title, need.problem, need.desired_result)


def dossier_document(dossier: Dossier) -> Document:
    """A dossier as indexed: title, summary, description, advantages and keywords (id 0 for
    one not saved yet)."""
    return Document(
        id=dossier.id or 0,
        title=dossier.title,
        text=dossier_text(dossier),
        language=dossier.language,
        status=str(dossier.status),
        sector_codes=tuple(dossier.sector_codes),
        origin_country=dossier.origin_country,
        trl=dossier.trl,
        transfer_modes=tuple(str(m) for m in dossier.transfer_modes),
        valid_until=dossier.valid_until,
    )


def need_document(need: Need) -> Document:
    """A need as indexed: title, problem and desired result (id 0 for one not saved yet)."""
    return Document(
        id=need.id or 0,
        title=need.title or need.problem[:80],
        text=need_text(need),
        language=need.language,
        status=str(need.status),
        sector_codes=tuple(need.sector_codes),
        transfer_modes=tuple(str(m) for m in need.preferred_modes),
        enterprise_id=need.enterprise_id,
        valid_until=need.valid_until,
    )
