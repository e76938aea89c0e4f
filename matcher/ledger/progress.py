"""Progress against a plan's targets: value, target, percent, pace, and breakdowns.

Pace projects a count linearly to the end of the period (value ÷ share of the period elapsed);
a rate (FDI growth) is its own projection. on_track: projection ≥ target; at_risk: ≥ 75 % of
the target; behind: below that. Once the period has ended the projection is the value and an
unmet target is behind.
"""

from collections import Counter
from datetime import date
from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, col, select

from matcher.ledger import counting
from matcher.ledger.models import Indicator, Plan, PlanPeriod, Target
from matcher.models.sector_catalog import SectorCatalog

AT_RISK_SHARE = 0.75

LABELS_VI = {
    Indicator.foreign_dossiers_introduced: "Hồ sơ công nghệ nước ngoài được giới thiệu",
    Indicator.technologies_transferred: "Công nghệ được chuyển giao",
    Indicator.people_trained: "Người được đào tạo",
    Indicator.fdi_transfer_growth: "Tăng trưởng dự án FDI có chuyển giao công nghệ (%/năm)",
    Indicator.rd_capable_manufacturers_share: "Doanh nghiệp sản xuất lớn có hạ tầng R&D (%)",
}
RATES = {Indicator.fdi_transfer_growth, Indicator.rd_capable_manufacturers_share}


class Pace(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    behind = "behind"


class IndicatorProgress(BaseModel):
    indicator: Indicator
    label_vi: str
    value: float | None
    target: float | None
    unit: str = ""
    percent: float | None = None
    projection: float | None = None
    pace: Pace | None = None
    introductions: int | None = None
    note: str = ""


class Progress(BaseModel):
    jurisdiction: str
    plan: str
    period: str
    start: date
    end: date
    as_of: date
    indicators: list[IndicatorProgress]
    breakdowns: dict[str, dict[str, int]]
    excluded: dict[str, int]

    def get(self, indicator: Indicator) -> IndicatorProgress:
        return next(i for i in self.indicators if i.indicator == indicator)


class NoPlan(LookupError):
    """No plan period of the jurisdiction covers the date asked for."""


def find_period(session: Session, jurisdiction: str, on: date | None = None,
                label: str | None = None) -> tuple[Plan, PlanPeriod]:
    """The plan period with that label, or else the one containing `on` (default today)."""
    rows = session.exec(select(Plan, PlanPeriod)
                        .join(PlanPeriod, col(PlanPeriod.plan_id) == Plan.id)
                        .where(Plan.jurisdiction == jurisdiction)
                        .order_by(col(PlanPeriod.start))).all()
    on = on or date.today()
    for plan, period in rows:
        if (label and period.label == label) or (not label and period.start <= on <= period.end):
            return plan, period
    wanted = f"period '{label}'" if label else f"a period containing {on}"
    raise NoPlan(f"no plan of {jurisdiction} has {wanted}")


def pace(value: float, target: float, start: date, end: date, as_of: date, rate: bool
         ) -> tuple[float | None, Pace | None]:
    """The projection to the end of the period and its verdict."""
    if rate:
        projection = value
    elif as_of >= end:
        projection = value
    elif as_of < start:
        return None, None
    else:
        elapsed = ((as_of - start).days + 1) / ((end - start).days + 1)
        projection = value / elapsed
    if projection >= target:
        return projection, Pace.on_track
    finished = as_of >= end and not rate
    if not finished and projection >= AT_RISK_SHARE * target:
        return projection, Pace.at_risk
    return projection, Pace.behind


def _item(indicator: Indicator, value: float | None, target: Target | None, start: date,
          end: date, as_of: date, partial: bool = False, **extra) -> IndicatorProgress:
    item = IndicatorProgress(indicator=indicator, label_vi=LABELS_VI[indicator], value=value,
                             target=target.value if target else None,
                             unit=target.unit if target else "", **extra)
    if value is not None and target is not None and target.value > 0 and not partial:
        item.percent = round(100 * value / target.value, 1)
        projection, item.pace = pace(value, target.value, start, end, as_of,
                                     indicator in RATES)
        item.projection = round(projection, 1) if projection is not None else None
    return item


def dossier_breakdowns(tally: counting.DossierTally) -> dict[str, dict[str, int]]:
    """Counted dossiers by sector, origin country, source, intermediary and month of first
    introduction. A dossier shown under two sectors or intermediaries counts under each."""
    by: dict[str, Counter[str]] = {k: Counter() for k in
                                   ("sector", "origin_country", "source", "intermediary",
                                    "month")}
    for c in tally.counted:
        by["sector"].update(c.sectors)
        by["origin_country"][c.origin_country] += 1
        by["source"][c.source] += 1
        by["intermediary"].update(c.intermediaries)
        by["month"][c.first_introduced.strftime("%Y-%m")] += 1
    return {k: dict(sorted(v.items())) for k, v in by.items()}


def progress(session: Session, jurisdiction: str, as_of: date | None = None,
             period_label: str | None = None, since: date | None = None) -> Progress:
    """Every indicator of the plan period from its start to `as_of` (default today).

    With `since` (e.g. 1 January for a yearly figure) values cover [since, as_of] only and
    carry no percent or pace, which only make sense against the whole period."""
    as_of = as_of or date.today()
    plan, period = find_period(session, jurisdiction, as_of, period_label)
    start, stop = since or period.start, min(as_of, period.end)
    targets = {t.indicator: t for t in session.exec(
        select(Target).where(Target.period_id == period.id)).all()}
    catalog = SectorCatalog.from_session(session)
    tally = counting.foreign_dossiers_introduced(session, jurisdiction, start, stop, catalog)
    trained = counting.people_trained(session, jurisdiction, start, stop)
    moved = counting.transfers(session, jurisdiction, start, stop)
    span = period.start, period.end, as_of, since is not None
    items = [
        _item(Indicator.foreign_dossiers_introduced, tally.value,
              targets.get(Indicator.foreign_dossiers_introduced), *span,
              introductions=tally.introductions),
        _item(Indicator.technologies_transferred, len(moved),
              targets.get(Indicator.technologies_transferred), *span),
        _item(Indicator.people_trained, len(trained), targets.get(Indicator.people_trained),
              *span),
    ]
    last_full_year = stop.year if stop.month == 12 and stop.day == 31 else stop.year - 1
    growth = (counting.fdi_transfer_growth(session, jurisdiction, start.year, last_full_year)
              if last_full_year >= start.year else None)
    rate = growth.average_growth if growth else None
    counts = ", ".join(f"{y}: {n}" for y, n in growth.counts.items()) if growth else ""
    items.append(_item(Indicator.fdi_transfer_growth,
                       round(rate, 1) if rate is not None else None,
                       targets.get(Indicator.fdi_transfer_growth), *span,
                       note=f"projects with transfer per year: {counts}" if counts
                       else "no complete year yet"))
    if Indicator.rd_capable_manufacturers_share in targets:
        items.append(_item(Indicator.rd_capable_manufacturers_share, None,
                           targets[Indicator.rd_capable_manufacturers_share], *span,
                           note="not measured by the ledger"))
    return Progress(jurisdiction=jurisdiction, plan=plan.ref, period=period.label,
                    start=start, end=period.end, as_of=as_of, indicators=items,
                    breakdowns=dossier_breakdowns(tally), excluded=tally.excluded)


def render_table(p: Progress, breakdowns: bool = False) -> str:
    """Progress as a plain-text table, as `ketnoi report progress` prints it."""
    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:g}"

    lines = [f"{p.jurisdiction}: plan {p.plan}, period {p.period} ({p.start} – {p.end}), "
             f"as of {p.as_of}",
             f"{'indicator':<32} {'value':>7} {'target':>7} {'%':>7} {'projected':>9}  pace"]
    for i in p.indicators:
        extra = f"  ({i.introductions} introductions)" if i.introductions is not None else ""
        lines.append(f"{i.indicator.value:<32} {fmt(i.value):>7} {fmt(i.target):>7} "
                     f"{fmt(i.percent):>7} {fmt(i.projection):>9}  "
                     f"{i.pace.value if i.pace else '—'}{extra}")
    if p.excluded:
        lines.append("not counted: " + ", ".join(f"{n} {why}" for why, n in p.excluded.items()))
    if breakdowns:
        for name, counts in p.breakdowns.items():
            lines.append(f"by {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(lines)
