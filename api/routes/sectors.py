"""Jurisdictions and their priority sectors (read-only; sectors are data, loaded from seed)."""

from fastapi import APIRouter
from sqlmodel import select

from api.crud import get_or_404
from api.deps import SessionDep
from matcher.models import Jurisdiction, JurisdictionPublic, Sector, SectorPublic, SectorsPublic

router = APIRouter(tags=["sectors"])


@router.get("/jurisdictions", response_model=list[JurisdictionPublic])
def read_jurisdictions(session: SessionDep) -> list[Jurisdiction]:
    """Every jurisdiction."""
    return list(session.exec(select(Jurisdiction).order_by(Jurisdiction.code)).all())


@router.get("/sectors", response_model=SectorsPublic)
def read_sectors(session: SessionDep, jurisdiction: str | None = None) -> SectorsPublic:
    """Priority sectors, optionally of one jurisdiction."""
    query = select(Sector).order_by(Sector.code)
    if jurisdiction:
        get_or_404(session, Jurisdiction, jurisdiction)  # type: ignore[arg-type]
        query = query.where(Sector.jurisdiction == jurisdiction)
    rows = session.exec(query).all()
    return SectorsPublic(data=[SectorPublic.model_validate(r) for r in rows], count=len(rows))
