"""Which open needs and saved searches a set of new or changed dossiers now answers: each need
is matched as its own page matches it (its jurisdiction's priority sectors, feasibility), each
saved search as the search page runs it, and a dossier counts when it is among the first
`TOP` suggestions of a list the matcher calls confident and is itself as close as the
matcher's confidence threshold asks (`min_confidence` on its own cosine): in a small catalogue
an unrelated dossier can rank among the first ten of a confident list."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from matcher.alerts.models import SavedSearch
from matcher.models import Dossier, Enterprise, Need
from matcher.models.enums import DossierStatus, NeedStatus
from matcher.models.sector_catalog import SectorCatalog
from matcher.search.matches import DossierFilters, MatchList, MatchService

TOP = 10  # the suggestions a need's page shows first


@dataclass(frozen=True)
class Found:
    """A confident match of a changed dossier for a need or a saved search."""

    dossier_id: int
    score: float
    explanation: str
    need_id: int | None = None
    saved_search_id: int | None = None


def new_matches(session: Session, matches: MatchService, dossier_ids: set[int]
                ) -> Iterator[Found]:
    """The confident matches of the dossiers `dossier_ids` (those still active) for every open
    need and every saved search."""
    changed = {d.id: d for d in session.exec(select(Dossier).where(
        col(Dossier.id).in_(dossier_ids), Dossier.status == DossierStatus.active))}
    if not changed:
        return
    catalog = SectorCatalog.from_session(session)
    themes = set().union(*(catalog.themes(list(d.sector_codes)) for d in changed.values()))
    today = date.today()
    needs = session.exec(select(Need).where(Need.status == NeedStatus.open)
                         .order_by(col(Need.id))).all()
    for need in needs:
        enterprise = session.get(Enterprise, need.enterprise_id)
        jurisdiction = enterprise.jurisdiction if enterprise else None
        # the need's page only suggests dossiers of its jurisdiction's priority sectors
        if jurisdiction and not catalog.priority_themes(jurisdiction, today) & themes:
            continue
        found = matches.for_need(session, need, DossierFilters(jurisdiction=jurisdiction), TOP)
        yield from _among(found, changed, matches.min_confidence, need_id=need.id)
    for search in session.exec(select(SavedSearch).order_by(col(SavedSearch.id))).all():
        filters = DossierFilters(
            jurisdiction=search.jurisdiction, sector_codes=tuple(search.sector_codes or ()),
            origin_country=search.origin_country, transfer_mode=search.transfer_mode,
            min_trl=search.min_trl)
        found = matches.search(session, search.query, filters, TOP)
        yield from _among(found, changed, matches.min_confidence,
                          saved_search_id=search.id)


def _among(found: MatchList, changed: dict, threshold: float,
           **subject: int | None) -> Iterator[Found]:
    if not found.confident:
        return
    for suggestion in found.data:
        cosine = suggestion.breakdown.cosine
        if suggestion.id in changed and cosine is not None and cosine >= threshold:
            yield Found(suggestion.id, suggestion.score, suggestion.explanation, **subject)
