"""Screening findings of dossiers: recompute them with the rules of `matcher.rules`, read
them, and record the Department's decision on one (confirm or dismiss).

Findings are recomputed whenever a dossier is written (`matcher.platform.rescreen` does it in
the writing transaction), keeping each decision while the same finding still holds. A finding
of severity `prohibited` that is not dismissed blocks its dossier: it is never suggested, and
only admins read it (`Policy.dossier_rows`).
"""

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from matcher.auth.policy import Hidden, Policy, Refused
from matcher.models import Dossier
from matcher.models.enums import FindingStatus, Severity
from matcher.models.fields import utcnow
from matcher.models.finding import FindingDecision, ScreeningFinding, blocking
from matcher.models.sector_catalog import SectorCatalog
from matcher.rules.decree76 import AnnexItem, Decree76Rule, load_annexes
from matcher.rules.feasibility import ExchangeRates
from matcher.rules.price_outlier import PriceOutlierRule, PricePoint, asking_price_vnd
from matcher.rules.screening import Finding, ScreeningRule, screen
from matcher.rules.second_hand import SecondHandAgeRule


@lru_cache(maxsize=1)
def _annexes() -> list[AnnexItem]:
    """The annexes shipped with the code (law, not deployment data: the same everywhere)."""
    return load_annexes()


@lru_cache(maxsize=4)
def _rates(seed_dir: Path) -> ExchangeRates:
    return ExchangeRates.load(seed_dir / "exchange_rates.json")


def _seed_dir() -> Path:
    from matcher.platform.config import get_settings  # settings read when first screening
    return get_settings().seed_dir


def price_book(session: Session, catalog: SectorCatalog,
               rates: ExchangeRates) -> list[PricePoint]:
    """Every priced dossier's asking price in VND with its sector themes."""
    book = []
    # the five columns only: whole rows would load every description into the session
    columns = sa_select(col(Dossier.id), col(Dossier.price_min), col(Dossier.price_max),
                        col(Dossier.currency), col(Dossier.sector_codes))
    rows = session.execute(columns.where(
        col(Dossier.price_min).is_not(None) | col(Dossier.price_max).is_not(None)))
    for dossier_id, low, high, currency, sectors in rows:
        price = asking_price_vnd(low, high, currency, rates)
        if price is not None and dossier_id is not None:
            book.append(PricePoint(dossier_id, frozenset(catalog.themes(list(sectors))), price))
    return book


def rules_for(session: Session) -> list[ScreeningRule]:
    """The screening rules, with the annexes in force and today's comparable prices."""
    catalog = SectorCatalog.from_session(session)
    rates = _rates(_seed_dir())
    return [Decree76Rule(_annexes()), SecondHandAgeRule(),
            PriceOutlierRule(price_book(session, catalog, rates), catalog.themes, rates)]


def rescreen(session: Session, dossier_ids: Iterable[int], today: date | None = None) -> int:
    """Recompute the findings of these dossiers (missing ones are skipped); a finding that
    still holds keeps its decision, one that no longer holds is removed. The number of
    dossiers screened; the caller commits."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return 0
    rules = rules_for(session)
    stored: dict[int, dict[tuple[str, str, str], ScreeningFinding]] = {}
    for row in session.exec(select(ScreeningFinding).where(
            col(ScreeningFinding.dossier_id).in_(ids))):
        stored.setdefault(row.dossier_id, {})[(row.rule, row.annex, row.item)] = row
    screened = 0
    for dossier in session.exec(select(Dossier).where(col(Dossier.id).in_(ids))):
        assert dossier.id is not None
        _store(session, dossier.id, screen(dossier, rules, today), stored.get(dossier.id, {}))
        screened += 1
    return screened


def _store(session: Session, dossier_id: int, found: list[Finding],
           before: dict[tuple[str, str, str], ScreeningFinding]) -> None:
    for finding in found:
        values: dict[str, Any] = {"severity": finding.severity, "message_vi": finding.message_vi,
                  "message_en": finding.message_en, "evidence": finding.evidence}
        row = before.pop(finding.key, None)
        if row is None:
            session.add(ScreeningFinding(dossier_id=dossier_id, rule=finding.rule,
                                         annex=finding.annex, item=finding.item, **values))
            continue
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        session.add(row)
    for gone in before.values():
        session.delete(gone)


def rescreen_all(session: Session, today: date | None = None) -> int:
    """Recompute the findings of every dossier (e.g. once a year, when second-hand equipment
    ages past the limit, or after the annexes change); the caller commits."""
    ids = [i for i in session.exec(select(Dossier.id)).all() if i is not None]
    return rescreen(session, ids, today)


def blocked_dossier_ids(session: Session) -> set[int]:
    """Ids of the dossiers that must never be suggested."""
    return set(session.exec(select(ScreeningFinding.dossier_id).where(blocking())).all())


def shown_findings(session: Session,
                   dossier_ids: Iterable[int]) -> dict[int, list[ScreeningFinding]]:
    """The findings that show (every one not dismissed) of these dossiers, by dossier id,
    prohibited first."""
    ids = list(set(dossier_ids))
    found: dict[int, list[ScreeningFinding]] = {i: [] for i in ids}
    if not ids:
        return found
    order = {Severity.prohibited: 0, Severity.warning: 1, Severity.info: 2}
    rows = session.exec(select(ScreeningFinding).where(
        col(ScreeningFinding.dossier_id).in_(ids),
        col(ScreeningFinding.status) != FindingStatus.dismissed))
    for row in sorted(rows, key=lambda r: (order[r.severity], r.rule, r.annex, r.item, r.id)):
        found[row.dossier_id].append(row)
    return found


def findings_of(session: Session, policy: Policy, dossier_id: int,
                include_dismissed: bool = False) -> list[ScreeningFinding]:
    """A dossier's findings, if the caller may read the dossier (else `Hidden`); dismissed ones
    only when asked, for admins."""
    policy.dossier(session, dossier_id)
    if include_dismissed and policy.is_admin:
        rows = session.exec(select(ScreeningFinding).where(
            ScreeningFinding.dossier_id == dossier_id).order_by(col(ScreeningFinding.id)))
        return list(rows)
    return shown_findings(session, [dossier_id])[dossier_id]


def decide(session: Session, policy: Policy, finding_id: int,
           decision: FindingDecision) -> ScreeningFinding:
    """Record the Department's decision on a finding (audited with the write); `Refused` for
    anyone else, `Hidden` for a finding of a dossier the caller may not read."""
    finding = session.get(ScreeningFinding, finding_id) if finding_id > 0 else None
    if finding is None:
        raise Hidden("finding", finding_id)
    policy.dossier(session, finding.dossier_id)
    if not policy.is_admin:
        raise Refused("only the Department (an admin) confirms or dismisses findings")
    finding.status = decision.status
    finding.note = decision.note
    reopened = decision.status is FindingStatus.open
    finding.decided_by = "" if reopened else str(policy.who)[:300]
    finding.decided_at = None if reopened else utcnow()
    session.add(finding)
    return finding


def forget(session: Session, dossier_ids: Iterable[int]) -> None:
    """Delete the findings of dossiers about to be deleted (they refer to them), through the
    session, so the audit log keeps them; the caller flushes before deleting the dossiers."""
    ids = list(dossier_ids)
    if ids:
        for finding in session.exec(select(ScreeningFinding).where(
                col(ScreeningFinding.dossier_id).in_(ids))):
            session.delete(finding)
