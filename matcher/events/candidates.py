"""Candidate meetings for an event: the matcher's need → dossier scores between participants."""

from collections import defaultdict
from typing import Any, Protocol

from sqlmodel import Session

from matcher.auth.policy import Hidden, Policy
from matcher.events.models import ParticipantKind
from matcher.events.pairing import Pair
from matcher.events.service import participants, pid
from matcher.ingest.tabular import ImportFailed, RowError
from matcher.models import Need
from matcher.search.matches import DossierFilters


class NeedMatcher(Protocol):
    """What candidates need from `MatchService`: dossiers scored for a stored need."""

    def for_need(self, session: Session, need: Need, filters: DossierFilters,
                 limit: int = 10) -> Any: ...


def build_candidates(session: Session, event_id: int, matches: NeedMatcher,
                     limit: int = 50, *, policy: Policy) -> list[Pair]:
    """For each enterprise participant's need that `policy` lets the caller see, ask the matcher
    for its best `limit` dossiers among those the suppliers show; every supplier showing that
    dossier is a candidate with the match score."""
    people = participants(session, event_id)
    shown: dict[int, list[int]] = defaultdict(list)
    for person in people:
        if person.kind == ParticipantKind.supplier and person.dossier_id is not None:
            shown[person.dossier_id].append(pid(person))
    pairs: list[Pair] = []
    scored: dict[int, list] = {}
    # Exhibitors are at the event whatever their dossier's status in the database.
    filters = DossierFilters(include_inactive=True, dossier_ids=frozenset(shown))
    for person in people:
        if person.kind != ParticipantKind.enterprise or person.need_id is None:
            continue
        if person.need_id not in scored:
            try:
                need = policy.need(session, person.need_id)
            except Hidden:
                scored[person.need_id] = []
                continue
            scored[person.need_id] = matches.for_need(session, need, filters, limit).data
        for suggestion in scored[person.need_id]:
            for supplier in shown.get(suggestion.id, ()):
                pairs.append(Pair(supplier, pid(person), float(suggestion.score)))
    return pairs


def scores_from_rows(session: Session, event_id: int, rows: list[dict[str, Any]]) -> list[Pair]:
    """Candidates given by the organiser instead of the matcher: rows of `supplier_ref`,
    `enterprise_ref`, `score`. Raises ImportFailed naming every bad row."""
    refs = {p.ref: p for p in participants(session, event_id)}
    pairs, errors = [], []
    for row_no, row in enumerate(rows, start=1):
        ids = []
        for column, kind in (("supplier_ref", ParticipantKind.supplier),
                             ("enterprise_ref", ParticipantKind.enterprise)):
            person = refs.get(str(row.get(column, "")).strip())
            if person is None or person.kind != kind:
                errors.append(RowError(row_no, column, f"no {kind} '{row.get(column)}' in event"))
            else:
                ids.append(pid(person))
        try:
            score = float(row.get("score", ""))
        except (TypeError, ValueError):
            errors.append(RowError(row_no, "score", f"not a number: '{row.get('score')}'"))
            continue
        if len(ids) == 2:
            pairs.append(Pair(ids[0], ids[1], score))
    if errors:
        raise ImportFailed(errors)
    return pairs
