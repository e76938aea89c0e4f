"""Progress per jurisdiction against the plan's targets, and the annual report's downloads.

Figures come from the API's own route functions (`api.routes.progress`, `api.routes.reports`),
so the page, the API and the workbook agree. The chart is drawn by the template as SVG bars
(no script): each indicator's value against its target, coloured by pace.
"""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from api.routes import progress as api_progress
from api.routes import reports as api_reports
from api.web.caller import CallerDep
from api.web.i18n import N_
from api.web.render import render
from matcher.ledger.models import Indicator, Plan, PlanPeriod
from matcher.ledger.progress import Pace
from matcher.models import Jurisdiction

router = APIRouter(include_in_schema=False)
INDICATORS = {
    Indicator.foreign_dossiers_introduced: N_("Foreign technology dossiers introduced"),
    Indicator.technologies_transferred: N_("Technologies transferred"),
    Indicator.people_trained: N_("People trained"),
    Indicator.fdi_transfer_growth: N_("Growth of FDI projects with technology transfer (%/year)"),
    Indicator.rd_capable_manufacturers_share: N_("Large manufacturers with R&D facilities (%)"),
}
PACES = {Pace.on_track: N_("On track"), Pace.at_risk: N_("At risk"), Pace.behind: N_("Behind")}
Code = Annotated[str | None, Query(max_length=16)]


def planned(session: Session) -> dict[str, str]:
    """The jurisdictions that have a plan: code → name."""
    codes = sorted(set(session.exec(select(Plan.jurisdiction)).all()))
    names = {j.code: j.name for j in session.exec(
        select(Jurisdiction).where(col(Jurisdiction.code).in_(codes))).all()}
    return {code: names.get(code, code) for code in codes}


@router.get("/web/progress", name="progress_page", response_class=HTMLResponse)
def progress_page(request: Request, caller: CallerDep, jurisdiction: Code = None,
                  period: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """Every indicator of the jurisdiction's current plan period (or the period chosen): value,
    target, percent and pace, with a bar chart. Every reader may see every province, as in
    the API; the caller's own province comes first."""
    session = caller.session
    choices = planned(session)
    code = jurisdiction or caller.user.jurisdiction or next(iter(choices), None)
    periods = [p.label for p in session.exec(
        select(PlanPeriod).join(Plan, col(Plan.id) == PlanPeriod.plan_id)
        .where(Plan.jurisdiction == code).order_by(col(PlanPeriod.start))).all()]
    found, missing = None, False
    if code:
        try:
            found = api_progress.read_progress(session, code, as_of=None,
                                               period=period or None, since=None)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            missing = True
    today = date.today()
    year = today.year
    if found is not None and found.as_of > found.end:
        year = found.end.year
    return render(request, "progress/progress.html", caller, progress=found, missing=missing,
                  choices=choices, code=code, periods=periods, period=period or "",
                  indicators=INDICATORS, paces=PACES, year=year,
                  years=list(range(year, year - 6, -1)),
                  unfinished=today.year if today < date(today.year, 12, 31) else None)


@router.get("/web/report", name="report_download", response_class=Response)
def report_download(caller: CallerDep, jurisdiction: Annotated[str, Query(max_length=16)],
                    year: api_reports.Year = None,
                    format: Literal["xlsx", "png"] = "xlsx") -> Response:
    """The annual report workbook (or its chart as PNG), as GET /reports/annual.xlsx (.png)
    answers it to the caller; 404 when no plan covers the year."""
    if format == "png":
        return api_reports.read_annual_png(caller.session, jurisdiction, year)
    return api_reports.read_annual_xlsx(caller.session, caller.policy, jurisdiction, year)
