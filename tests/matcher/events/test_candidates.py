"""Candidate pairs from the matcher's need → dossier scores, and from an organiser's file."""

from types import SimpleNamespace

import pytest
from sqlmodel import Session

from matcher.auth.policy import SYSTEM
from matcher.events.candidates import build_candidates, scores_from_rows
from matcher.ingest.tabular import ImportFailed
from tests.matcher.events.world import World


class FakeMatches:
    """Scores every dossier by a fixed table; records the needs asked about."""

    def __init__(self, scores: dict[int, dict[int, float]]) -> None:
        self.scores, self.asked = scores, []

    def for_need(self, session, need, filters, limit=10):
        self.asked.append(need.id)
        ranked = sorted(self.scores.get(need.id, {}).items(), key=lambda kv: -kv[1])[:limit]
        return SimpleNamespace(data=[SimpleNamespace(id=d, score=s) for d, s in ranked])


def test_candidates_keep_dossiers_shown_at_the_event(db: Session, world: World) -> None:
    need = world.needs[0]
    matches = FakeMatches({need.id: {world.dossiers[1].id: 0.8, 9999: 0.95}})
    pairs = build_candidates(db, world.event.id, matches, policy=SYSTEM)
    assert pairs == [(world.suppliers[1].id, world.enterprises[0].id, 0.8)]
    assert matches.asked == [n.id for n in world.needs]


def test_scores_file_maps_refs_and_names_bad_rows(db: Session, world: World) -> None:
    rows = [{"supplier_ref": "S0", "enterprise_ref": "E1", "score": "0.7"}]
    assert scores_from_rows(db, world.event.id, rows) == [
        (world.suppliers[0].id, world.enterprises[1].id, 0.7)]
    with pytest.raises(ImportFailed) as failure:
        scores_from_rows(db, world.event.id, [{"supplier_ref": "E0", "enterprise_ref": "E1",
                                               "score": "x"}])
    assert [str(e) for e in failure.value.errors] == [
        "row 1, field 'supplier_ref': no supplier 'E0' in event",
        "row 1, field 'score': not a number: 'x'"]
