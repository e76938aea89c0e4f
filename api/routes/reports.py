"""Annual report downloads: the XLSX workbook and the PNG progress chart."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from api.deps import SessionDep
from api.downloads import attachment
from api.security import PolicyDep
from matcher.ledger.progress import NoPlan
from matcher.ledger.report import Annual, YearNotBegun, annual, chart_png, xlsx_bytes
from matcher.services.errors import Invalid

router = APIRouter(prefix="/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Year = Annotated[int | None, Query(ge=1900, le=2100, description="Default this year; a year "
                                   "not finished is reported to date, and says so.")]


def _annual(session: SessionDep, jurisdiction: str, year: int | None) -> Annual:
    try:
        return annual(session, jurisdiction, year or date.today().year)
    except NoPlan as exc:
        raise HTTPException(404, str(exc)) from exc
    except YearNotBegun as exc:
        raise Invalid.at(["query", "year"], str(exc)) from exc


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": attachment(name)})


@router.get("/annual.xlsx", response_class=Response)
def read_annual_xlsx(session: SessionDep, policy: PolicyDep, jurisdiction: str,
                     year: Year = None) -> Response:
    """The annual report workbook (summary, introductions, transfers, trainings, by sector);
    year default this year (a year not finished: to date, its title says so). Rows name their
    enterprise and need only to readers who may see them."""
    data = _annual(session, jurisdiction, year)
    return _download(xlsx_bytes(session, data, policy=policy), XLSX,
                     f"ketnoi-{jurisdiction}-{data.year}.xlsx")


@router.get("/annual.png", response_class=Response)
def read_annual_png(session: SessionDep, jurisdiction: str,
                    year: Year = None) -> Response:
    """The chart of cumulative progress against the targets, labelled in Vietnamese."""
    data = _annual(session, jurisdiction, year)
    return _download(chart_png(data), "image/png", f"ketnoi-{jurisdiction}-{data.year}.png")
