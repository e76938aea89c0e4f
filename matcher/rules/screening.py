"""Compliance screening (rà soát tuân thủ): the interface every screening rule implements and
the function that runs them over a dossier.

A rule reads one dossier and returns what it finds: nothing, or findings that say in
Vietnamese and English why the dossier needs attention (restricted or prohibited for transfer
under Decree 76/2018, second-hand equipment past the Decision 18/2019 limit, a price far above
comparable dossiers). Rules are pure: the data they need (the annexes, the comparable prices)
is given to them when they are built, so they are tested and measured without a database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from matcher.models import Dossier
from matcher.models.enums import Severity


@dataclass(frozen=True)
class Finding:
    """What one rule found in one dossier; `evidence` is the words or figures behind it."""

    rule: str
    severity: Severity
    message_vi: str
    message_en: str
    annex: str = ""
    item: str = ""
    evidence: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """The same finding across recomputations (its decision is kept while it holds)."""
        return self.rule, self.annex, self.item


class ScreeningRule(Protocol):
    """A compliance check of one dossier, as of `today`."""

    name: str

    def check(self, dossier: Dossier, today: date) -> list[Finding]:
        """The findings of this rule for `dossier` (empty when nothing is wrong)."""
        ...


def screen(dossier: Dossier, rules: Iterable[ScreeningRule],
           today: date | None = None) -> list[Finding]:
    """Every rule's findings for `dossier`, one per key (the first wins), rule by rule."""
    found: dict[tuple[str, str, str], Finding] = {}
    for rule in rules:
        for finding in rule.check(dossier, today or date.today()):
            found.setdefault(finding.key, finding)
    return list(found.values())
