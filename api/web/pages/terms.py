"""Words of the search and needs pages: the labels of closed vocabularies (transfer modes,
statuses, confidentiality), sector and country names in the page's language, and form errors
that a page words itself where a model's own message is English (a country code, a sector
code, a budget range)."""

from typing import Any

from babel import Locale
from fastapi import Request
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.datastructures import FormData

from api.web.forms import MESSAGES, field_errors
from api.web.i18n import N_, translations
from api.web.pages import pipeline_labels
from matcher.models import Sector
from matcher.models.enums import Confidentiality, NeedStatus
from matcher.services.errors import Invalid

TRANSFER_MODES = pipeline_labels.TRANSFER_MODES  # one wording across the pages
NEED_STATUSES = {
    NeedStatus.open: N_("Open"),
    NeedStatus.matched: N_("Matched"),
    NeedStatus.closed: N_("Closed"),
    NeedStatus.withdrawn: N_("Withdrawn"),
}
CONFIDENTIALITY = {
    Confidentiality.public: N_("Public (event organisers see it anonymised)"),
    Confidentiality.intermediaries: N_("Brokers and the Department only"),
    Confidentiality.confidential: N_("Confidential (brokers of our province only)"),
}
# Record fields whose invalid value the model explains in English: the page's own words.
OWN_MESSAGES = {
    "origin_country": N_("Choose a country from the list."),
    "preferred_countries": N_("Give two-letter country codes, e.g. KR, JP, DE."),
    "preferred_modes": N_("Choose one of the options."),
    "sector": N_("Unknown sector code."),
    "sector_codes": N_("Unknown sector code."),
    "jurisdiction": N_("Unknown province."),
    "enterprise_id": N_("Choose an enterprise you may submit needs for."),
    "budget_min_vnd": N_("The minimum budget must not exceed the maximum."),
}


def labelled(vocabulary: dict[Any, str], lang: str) -> list[tuple[str, str]]:
    """(code, label in `lang`) options of a vocabulary, for the `select` macro."""
    gettext = translations(lang).gettext
    return [(str(code.value), gettext(label)) for code, label in vocabulary.items()]


def country_name(code: str | None, lang: str) -> str:
    """The country's name in `lang` (Hàn Quốc), or the code itself when Babel has none."""
    if not code:
        return "—"
    return Locale.parse(lang).territories.get(code.upper(), code)


def sector_name(sector: Sector, lang: str) -> str:
    return sector.name_vi if lang == "vi" else sector.name_en


def sector_options(session: Session, lang: str, jurisdictions: list[str] | None = None,
                   keep: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(code, "code – name") of the sectors of `jurisdictions` (all when None), and of the
    codes in `keep` (already chosen ones stay choosable)."""
    query = select(Sector).order_by(col(Sector.jurisdiction), col(Sector.code))
    rows = session.exec(query).all()
    return [(s.code, f"{s.code} – {sector_name(s, lang)}") for s in rows
            if jurisdictions is None or s.jurisdiction in jurisdictions or s.code in keep]


def sector_names(session: Session, lang: str) -> dict[str, str]:
    """code → name in `lang`, for showing a record's sector codes."""
    return {s.code: sector_name(s, lang) for s in session.exec(select(Sector)).all()}


def worded_errors(exc: ValidationError | Invalid, lang: str) -> dict[str, str]:
    """`field_errors`, with the page's own words for the fields of `OWN_MESSAGES` whose error
    the model words in English (value errors), and the model's cross-field budget rule put at
    the minimum budget."""
    found = field_errors(exc, lang)
    errors = exc.errors() if isinstance(exc, ValidationError) else exc.errors
    gettext = translations(lang).gettext
    for error in errors:
        names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)
                 and part not in ("body", "query", "path")]
        name = names[0] if names else "__all__"
        if name == "__all__" and "budget_min_vnd" in str(error.get("msg", "")):
            found.pop("__all__", None)
            found.setdefault("budget_min_vnd", gettext(OWN_MESSAGES["budget_min_vnd"]))
        elif name in OWN_MESSAGES and error.get("type") not in MESSAGES:
            found[name] = gettext(OWN_MESSAGES[name])
    return found


async def read_form(request: Request) -> FormData:
    """The request's form (parsed once: `FormCallerDep` has already read it for the token)."""
    return await request.form()
