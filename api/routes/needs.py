"""Technology needs (nhu cầu công nghệ): enterprises submit them; matches are suggested."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from api.crud import IdFilter, apply_changes, check_sectors, commit_or_409, page
from api.deps import RuntimeDep, SessionDep
from api.filters import CountryFilter
from api.security import PolicyDep, referenced, related
from api.views import matches_for_need_out, need_as_seen, need_out, readable_need_out
from matcher.auth.policy import Policy
from matcher.models import Enterprise, Need, NeedCreate, NeedPublic, NeedsPublic, NeedUpdate
from matcher.models.enums import NeedStatus, TransferMode
from matcher.search.matches import DossierFilters, MatchList

router = APIRouter(prefix="/needs", tags=["needs"])


def _enterprise_of(session: SessionDep, policy: Policy, body: NeedCreate) -> Enterprise:
    """The enterprise the new need is for, by id or tax code, resolved through the policy (an
    enterprise key: its own, also when neither is given)."""
    if body.enterprise_id is not None:
        with referenced("enterprise_id"):
            return policy.enterprise(session, body.enterprise_id)
    if body.enterprise_tax_code:
        with referenced("enterprise_tax_code"):
            return policy.enterprise_by_tax_code(session, body.enterprise_tax_code)
    if policy.who.enterprise_id is not None:
        return policy.enterprise(session, policy.who.enterprise_id)
    raise HTTPException(422, [{"loc": ["body", "enterprise_id"], "type": "missing",
                               "msg": "give enterprise_id or enterprise_tax_code"}])


@router.get("", response_model=NeedsPublic)
def read_needs(session: SessionDep, policy: PolicyDep, skip: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               enterprise_id: IdFilter = None, status: NeedStatus | None = None) -> NeedsPublic:
    """List the needs the caller may see, optionally of one enterprise or status."""
    where = related(policy, session, Need, enterprise_id=enterprise_id)
    if status is not None:
        where.append(Need.status == status)
    rows, count = page(session, Need, skip, limit, policy.need_rows(), *where)
    return NeedsPublic(data=[need_out(session, policy, r) for r in rows],  # type: ignore[misc]
                       count=count)


@router.get("/{need_id}", response_model=NeedPublic)
def read_need(session: SessionDep, policy: PolicyDep, need_id: int) -> NeedPublic:
    """One need, as the caller may see it (404 when hidden from them)."""
    return readable_need_out(session, policy, need_id)


@router.post("", response_model=NeedPublic, status_code=201)
def create_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                body: NeedCreate) -> Need:
    """Submit a need (by enterprise id or tax code); it is matchable when the response returns."""
    check_sectors(session, body.sector_codes)
    enterprise = _enterprise_of(session, policy, body)
    data = body.model_dump(exclude={"enterprise_tax_code"})
    policy.check_need_write(None, enterprise, data)
    data["enterprise_id"] = enterprise.id
    need = Need.model_validate(data)
    session.add(need)
    with runtime.lock:  # the index sees writes in the order the database commits them
        commit_or_409(session, f"need ref '{body.ref}'")
        session.refresh(need)
        runtime.index_needs([need])
    return need


@router.patch("/{need_id}", response_model=NeedPublic)
def update_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, need_id: int,
                body: NeedUpdate) -> Need:
    """Change the fields sent; the index follows before the response returns. Making a need
    more public is for admins and the need's own enterprise."""
    need = policy.need(session, need_id, full=True)
    changes = body.model_dump(exclude_unset=True)
    policy.check_need_write(need, policy.enterprise(session, need.enterprise_id),
                            changes)
    check_sectors(session, changes.get("sector_codes"))
    apply_changes(session, need, changes, NeedCreate)
    with runtime.lock:  # the index sees writes in the order the database commits them
        commit_or_409(session, f"need ref '{need.ref}'")
        session.refresh(need)
        runtime.index_needs([need])
    return need


@router.delete("/{need_id}", status_code=204)
def delete_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                need_id: int) -> None:
    """Delete a need and remove it from the index; 409 while introductions or event
    participants refer to it."""
    need = policy.need(session, need_id, full=True)
    policy.check_need_write(need, policy.enterprise(session, need.enterprise_id), {})
    session.delete(need)
    commit_or_409(session, f"need {need_id}")
    runtime.unindex(need_ids=[need_id])


@router.get("/{need_id}/matches", response_model=MatchList)
def read_need_matches(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, need_id: int,
                      limit: Annotated[int, Query(ge=1, le=100)] = 10,
                      origin_country: CountryFilter = None,
                      transfer_mode: TransferMode | None = None,
                      min_trl: Annotated[int | None, Query(ge=1, le=9)] = None) -> MatchList:
    """Dossiers in its jurisdiction's priority sectors, with feasibility and explanations."""
    need = policy.need(session, need_id)
    enterprise = session.get(Enterprise, need.enterprise_id)
    filters = DossierFilters(
        jurisdiction=enterprise.jurisdiction if enterprise else None,
        origin_country=origin_country, transfer_mode=transfer_mode, min_trl=min_trl)
    seen = need_as_seen(session, policy, need)
    with runtime.lock:
        found = runtime.matches.for_need(session, seen, filters, limit, discreet=seen is not need)
    return matches_for_need_out(session, policy, need, found)
