"""Foreign direct investment (FDI) projects of a year, with or without technology transfer."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import Limit, Skip, page
from api.deps import SessionDep
from api.filters import JurisdictionFilter
from api.security import PolicyDep
from matcher.ledger.models import FdiProject, FdiProjectCreate, FdiProjectPublic, FdiProjectsPublic
from matcher.services.checks import check_jurisdiction
from matcher.services.commit import commit
from matcher.services.errors import referenced

router = APIRouter(prefix="/ledger/fdi-projects", tags=["ledger"])


@router.get("", response_model=FdiProjectsPublic)
def read_fdi_projects(session: SessionDep, skip: Skip = 0, limit: Limit = 20,
                      jurisdiction: JurisdictionFilter = None,
                      year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                      ) -> FdiProjectsPublic:
    """FDI projects, optionally of one jurisdiction or year."""
    where = []
    if jurisdiction:
        where.append(FdiProject.jurisdiction == jurisdiction)
    if year is not None:
        where.append(FdiProject.year == year)
    rows, count = page(session, FdiProject, skip, limit, *where)
    return FdiProjectsPublic(data=[FdiProjectPublic.model_validate(r) for r in rows],
                             count=count)


@router.post("", response_model=FdiProjectPublic, status_code=201)
def create_fdi_project(session: SessionDep, policy: PolicyDep,
                       body: FdiProjectCreate) -> FdiProject:
    """Record an FDI project of a year, with or without technology transfer, in the caller's
    jurisdiction."""
    check_jurisdiction(session, body.jurisdiction)
    policy.check_jurisdiction_write(body.jurisdiction, "FDI projects")
    if body.local_enterprise_id is not None:
        with referenced("local_enterprise_id"):
            policy.enterprise(session, body.local_enterprise_id)
    record = FdiProject.model_validate(body)
    session.add(record)
    commit(session, f"FDI project ref '{body.ref}'")
    session.refresh(record)
    return record
