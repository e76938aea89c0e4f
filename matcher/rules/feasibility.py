"""Feasibility: can this enterprise absorb this technology, at this price, under the rules?

Compares a dossier's receiver requirements and price with an enterprise's size, capacity and a
need's budget. The score is 1.0 when nothing stands in the way and falls with each shortfall;
every check leaves a reason a broker can read.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from matcher.models import Dossier, Enterprise, Need

# Decision 18/2019/QĐ-TTg: imported second-hand equipment must in general be at most 10 years old.
MAX_SECOND_HAND_AGE = 10


@dataclass
class Feasibility:
    """A 0–1 score with the reasons behind it (`concerns` lowered the score)."""

    score: float = 1.0
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)
    # Reasons and concerns that state the enterprise's own capacity ("enterprise has 2").
    private: list[str] = field(default_factory=list)

    def _penalise(self, factor: float, concern: str) -> None:
        self.score *= factor
        self.concerns.append(concern)

    def discreet(self) -> "Feasibility":
        """The same score without what it says of the enterprise (for anonymised views)."""
        return Feasibility(self.score, [r for r in self.reasons if r not in self.private],
                           [c for c in self.concerns if c not in self.private])


class ExchangeRates:
    """Indicative rates to VND, for comparing foreign prices with VND budgets."""

    def __init__(self, rates: dict[str, float]) -> None:
        self.rates = rates

    @classmethod
    def load(cls, path: Path) -> "ExchangeRates":
        return cls(json.loads(path.read_text("utf-8"))["rates"])

    def to_vnd(self, amount: float, currency: str) -> float | None:
        rate = self.rates.get(currency.upper())
        return None if rate is None else amount * rate


def _billions(vnd: float) -> str:
    return f"{vnd / 1e9:.1f} billion VND"


def assess(dossier: Dossier, enterprise: Enterprise | None, need: Need | None,
           rates: ExchangeRates, today: date | None = None) -> Feasibility:
    """Check receiver requirements, price against budget, and the second-hand equipment rule."""
    result = Feasibility()
    today = today or date.today()
    if dossier.second_hand and dossier.equipment_year:
        age = today.year - dossier.equipment_year
        if age > MAX_SECOND_HAND_AGE:
            result._penalise(0.3, f"second-hand equipment from {dossier.equipment_year} is {age} "
                             f"years old (import limit {MAX_SECOND_HAND_AGE}, Decision 18/2019)")
    if enterprise is not None:
        said = len(result.reasons), len(result.concerns)
        _capacity(dossier, enterprise, result)
        result.private = result.reasons[said[0]:] + result.concerns[said[1]:]
    budget = need.budget_max_vnd if need is not None else None
    if budget:
        _price(dossier, budget, rates, result)
    return result


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _capacity(dossier: Dossier, enterprise: Enterprise, result: Feasibility) -> None:
    if dossier.req_engineers:
        have, want = enterprise.engineers, dossier.req_engineers
        reason = f"needs {_count(want, 'engineer')}, enterprise has {have}"
        if have >= want:
            result.reasons.append(reason)
        else:
            result._penalise(0.5 + 0.5 * have / want, reason)
    if dossier.req_staff and enterprise.employees and enterprise.employees < dossier.req_staff:
        result._penalise(0.8, f"needs {dossier.req_staff} staff, enterprise has "
                         f"{enterprise.employees}")
    if dossier.trl is not None and dossier.trl < 6 and enterprise.rd_staff == 0:
        result._penalise(0.7, f"TRL {dossier.trl} needs R&D to finish; enterprise has no R&D staff")


def _price(dossier: Dossier, budget_vnd: float, rates: ExchangeRates, result: Feasibility) -> None:
    if dossier.price_min is not None:
        low = rates.to_vnd(dossier.price_min, dossier.currency)
        if low is not None and low > budget_vnd:
            result._penalise(max(0.3, budget_vnd / low),
                             f"price from {_billions(low)} exceeds budget {_billions(budget_vnd)}")
        elif low is not None:
            result.reasons.append(f"price within budget ({_billions(budget_vnd)})")
    if dossier.req_investment_vnd and dossier.req_investment_vnd > budget_vnd:
        result._penalise(0.8, f"requires investment of {_billions(dossier.req_investment_vnd)}, "
                         f"budget {_billions(budget_vnd)}")
