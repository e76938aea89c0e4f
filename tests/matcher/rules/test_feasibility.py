"""Feasibility: receiver requirements, price against budget, the second-hand equipment rule."""

from datetime import date

import pytest

from matcher.models import Dossier, Enterprise, Need
from matcher.rules.feasibility import ExchangeRates, assess

RATES = ExchangeRates({"USD": 25_000, "VND": 1})


def _dossier(**kw) -> Dossier:
    base = dict(id=1, title="Dryer", origin_country="KR", currency="USD", req_engineers=2)
    return Dossier(**{**base, **kw})


def _enterprise(**kw) -> Enterprise:
    base = dict(id=1, tax_code="0100109106", name="X", jurisdiction="BG", engineers=1,
                employees=20, rd_staff=0)
    return Enterprise(**{**base, **kw})


def test_missing_engineers_lower_the_score_and_say_so():
    result = assess(_dossier(), _enterprise(engineers=1), None, RATES)
    assert result.score == pytest.approx(0.75)
    assert result.concerns == ["needs 2 engineers, enterprise has 1"]


def test_enough_engineers_is_a_reason_not_a_concern():
    result = assess(_dossier(), _enterprise(engineers=3), None, RATES)
    assert result.score == 1.0
    assert result.reasons == ["needs 2 engineers, enterprise has 3"]


def test_price_within_budget():
    need = Need(problem="x", enterprise_id=1, budget_max_vnd=2e9)
    result = assess(_dossier(price_min=40_000, req_engineers=0), None, need, RATES)
    assert result.reasons == ["price within budget (2.0 billion VND)"]
    assert result.score == 1.0


def test_price_over_budget_is_a_concern():
    need = Need(problem="x", enterprise_id=1, budget_max_vnd=1e9)
    result = assess(_dossier(price_min=80_000, req_engineers=0), None, need, RATES)
    assert result.concerns == ["price from 2.0 billion VND exceeds budget 1.0 billion VND"]
    assert result.score == pytest.approx(0.5)


def test_old_second_hand_equipment_breaks_decision_18():
    result = assess(_dossier(second_hand=True, equipment_year=2010, req_engineers=0), None, None,
                    RATES, today=date(2026, 1, 1))
    assert result.score == pytest.approx(0.3)
    assert "16 years old (import limit 10, Decision 18/2019)" in result.concerns[0]


def test_early_stage_technology_needs_rd_staff():
    result = assess(_dossier(trl=4, req_engineers=0), _enterprise(rd_staff=0), None, RATES)
    assert result.concerns == ["TRL 4 needs R&D to finish; enterprise has no R&D staff"]
