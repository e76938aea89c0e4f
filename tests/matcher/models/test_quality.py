"""The completeness score of a dossier: values on constructed dossiers, and the SQL form that
lists filter and sort by agreeing with the Python one, on them and on the whole seed."""

import pytest
from sqlmodel import Session, col, select

from matcher.ingest.seed import load_seed
from matcher.models import Dossier
from matcher.models.enums import IprStatus
from matcher.models.quality import CHECKS, assess_quality, quality_score
from tests.conftest import SEED

COMPLETE = dict(
    title="Heat-pump dryer for lychee and longan", origin_country="KR",
    summary="Closed-loop heat-pump drying keeps colour and aroma of lychee and longan.",
    description="The dryer recovers the latent heat of the moist air " * 8,
    advantages="Uses 40 % less energy than coal kilns.", trl=8,
    ipr_status=IprStatus.patent_granted, price_min=30000, transfer_modes=["licence"],
    req_engineers=1)


def _dossier(**changes) -> Dossier:
    return Dossier.model_validate({**COMPLETE, **changes})


def _missing(dossier: Dossier) -> list[str]:
    return [item.key for item in assess_quality(dossier).missing]


def test_the_weights_sum_to_one_hundred():
    assert sum(c.weight for c in CHECKS) == 100
    assert len({c.key for c in CHECKS}) == len(CHECKS)


def test_a_complete_dossier_scores_one_hundred():
    assert assess_quality(_dossier()).model_dump() == {"score": 100, "missing": []}


def test_a_bare_dossier_scores_zero_and_misses_every_item_heaviest_first():
    bare = Dossier(title="Dryer", origin_country="KR")
    quality = assess_quality(bare)
    assert quality.score == 0
    assert [m.key for m in quality.missing] == [
        "summary", "description", "advantages", "stage", "ipr", "price", "transfer_modes",
        "receiver_requirements"]
    assert quality.missing[4].label_vi == "Tình trạng sở hữu trí tuệ"
    assert quality.missing[4].label_en == "Intellectual property status"


@pytest.mark.parametrize(("changes", "score", "missing"), [
    ({"summary": "A dryer."}, 85, ["summary"]),  # a few words are not a summary
    ({"summary": "   " + "x" * 49}, 85, ["summary"]),
    ({"description": "Dries fruit."}, 85, ["description"]),
    ({"advantages": ""}, 85, ["advantages"]),
    ({"trl": None}, 85, ["stage"]),
    ({"ipr_status": IprStatus.none}, 90, ["ipr"]),
    ({"price_min": None}, 90, ["price"]),
    ({"price_min": None, "price_max": 50000}, 100, []),
    ({"transfer_modes": []}, 90, ["transfer_modes"]),
    ({"req_engineers": 0}, 90, ["receiver_requirements"]),
    ({"req_engineers": 0, "req_skills": "A food technologist."}, 100, []),
    ({"req_engineers": 0, "req_investment_vnd": 0}, 100, []),  # "no investment" is stated
    ({"trl": None, "price_min": None, "advantages": " "}, 60, ["advantages", "stage", "price"]),
])
def test_each_missing_item_costs_its_weight(changes, score, missing):
    dossier = _dossier(**changes)
    assert (assess_quality(dossier).score, _missing(dossier)) == (score, missing)


def test_the_sql_score_agrees_with_the_python_one(session: Session):
    constructed = [_dossier(ref=f"Q-{n}", **changes) for n, changes in enumerate([
        {}, {"summary": ""}, {"trl": None, "ipr_status": IprStatus.none}, {"transfer_modes": []},
        {"req_engineers": 0}, {"req_engineers": 0, "req_infrastructure": "Cold store."},
        {"price_min": None, "description": "short", "advantages": "short"}])]
    constructed.append(Dossier(title="Bare", origin_country="KR", ref="Q-bare"))
    session.add_all(constructed)
    load_seed(session, SEED)
    session.commit()
    score = quality_score(Dossier)
    stored = session.exec(select(Dossier, score).order_by(col(Dossier.id))).all()
    assert len(stored) > 300
    disagree = [(d.ref, s, assess_quality(d).score) for d, s in stored
                if s != assess_quality(d).score]
    assert disagree == []
    assert {s for _, s in stored} >= {0, 60, 75, 85, 90, 100}
