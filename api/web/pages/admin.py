"""The Department's pages: plans and their targets, provinces and their priority sectors, and
(from their own modules) users, API keys and the audit log. The annual report and progress
are in `progress`.

Plans and sectors are read through the API's own routes (`api.routes.plans`,
`api.routes.sectors`); this page is read-only (plans are created through `POST /ledger/plans`
or `ketnoi report seed`).
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.filters import jurisdiction_filter
from api.routes.plans import read_plans
from api.routes.sectors import read_jurisdictions, read_sectors
from api.web.caller import CallerDep
from api.web.i18n import N_
from api.web.pages import audit, keys, users
from api.web.render import render
from matcher.ledger.models import Indicator

router = APIRouter(include_in_schema=False)
for part in (users, keys, audit):
    router.include_router(part.router)

INDICATORS = {
    Indicator.foreign_dossiers_introduced: N_("Foreign technology dossiers introduced"),
    Indicator.technologies_transferred: N_("Technologies transferred"),
    Indicator.people_trained: N_("People trained"),
    Indicator.fdi_transfer_growth: N_("Growth of technology transfer from FDI enterprises"),
    Indicator.rd_capable_manufacturers_share: N_("Share of manufacturers with R&D capacity"),
}
Province = Annotated[str, Query(max_length=16)]


def province_filter(caller: CallerDep, jurisdiction: str) -> str | None:
    """The chosen province (blank: all), checked as the API checks its filter (422 if
    unknown)."""
    return jurisdiction_filter(caller.session, jurisdiction.strip() or None)


@router.get("/web/plans", name="plans_page", response_class=HTMLResponse)
def plans_page(request: Request, caller: CallerDep, jurisdiction: Province = "") -> Response:
    """Each province's plan for Decision 1851: its periods and a target per indicator."""
    chosen = province_filter(caller, jurisdiction)
    plans = read_plans(session=caller.session, jurisdiction=chosen).data
    provinces = read_jurisdictions(session=caller.session)
    sectors = {s.code: s for s in read_sectors(session=caller.session).data}
    return render(request, "admin/plans.html", caller, plans=plans, chosen=chosen,
                  provinces=[(j.code, f"{j.name} ({j.code})") for j in provinces],
                  names={j.code: j.name for j in provinces}, sectors=sectors,
                  indicators=INDICATORS)


@router.get("/web/sectors", name="sectors_page", response_class=HTMLResponse)
def sectors_page(request: Request, caller: CallerDep, jurisdiction: Province = "") -> Response:
    """Provinces (and the nation) with their priority sectors and how long each is valid."""
    chosen = province_filter(caller, jurisdiction)
    provinces = read_jurisdictions(session=caller.session)
    sectors = read_sectors(session=caller.session, jurisdiction=chosen).data
    shown = [(j, [s for s in sectors if s.jurisdiction == j.code]) for j in provinces
             if chosen is None or j.code == chosen]
    return render(request, "admin/sectors.html", caller, shown=shown, chosen=chosen,
                  provinces=[(j.code, f"{j.name} ({j.code})") for j in provinces])
