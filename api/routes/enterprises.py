"""Enterprises (doanh nghiệp): CRUD, through the caller's access policy."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import page
from api.deps import RuntimeDep, SessionDep
from api.filters import JurisdictionFilter
from api.security import PolicyDep
from matcher.models import (
    Enterprise,
    EnterpriseCreate,
    EnterprisePublic,
    EnterprisesPublic,
    EnterpriseUpdate,
)
from matcher.services import enterprises

router = APIRouter(prefix="/enterprises", tags=["enterprises"])


@router.get("", response_model=EnterprisesPublic)
def read_enterprises(session: SessionDep, policy: PolicyDep,
                     skip: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=100)] = 20,
                     jurisdiction: JurisdictionFilter = None) -> EnterprisesPublic:
    """List enterprises, optionally of one jurisdiction (an enterprise key sees its own)."""
    where = [Enterprise.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Enterprise, skip, limit, policy.enterprise_rows(), *where)
    return EnterprisesPublic(data=[EnterprisePublic.model_validate(r) for r in rows], count=count)


@router.get("/{enterprise_id}", response_model=EnterprisePublic)
def read_enterprise(session: SessionDep, policy: PolicyDep, enterprise_id: int) -> Enterprise:
    """One enterprise."""
    return policy.enterprise(session, enterprise_id)


@router.post("", response_model=EnterprisePublic, status_code=201)
def create_enterprise(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                      body: EnterpriseCreate) -> Enterprise:
    """Register an enterprise (tax code validated, unique), in the caller's jurisdiction."""
    enterprise = enterprises.create_enterprise(session, policy, body)
    runtime.commit(session, f"enterprise tax code '{body.tax_code}'")
    return enterprise


@router.patch("/{enterprise_id}", response_model=EnterprisePublic)
def update_enterprise(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                      enterprise_id: int, body: EnterpriseUpdate) -> Enterprise:
    """Change the fields sent (an enterprise key: its own record only; moving an enterprise
    to another jurisdiction: admins only)."""
    enterprise = enterprises.update_enterprise(session, policy, enterprise_id,
                                               body.model_dump(exclude_unset=True))
    runtime.commit(session, f"enterprise {enterprise_id}")
    return enterprise


@router.delete("/{enterprise_id}", status_code=204)
def delete_enterprise(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                      enterprise_id: int) -> None:
    """Delete an enterprise that has no needs (409 otherwise)."""
    enterprises.delete_enterprise(session, policy, enterprise_id)
    runtime.commit(session, f"enterprise {enterprise_id} (delete its needs first)")
