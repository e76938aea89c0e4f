"""Technology needs (nhu cầu công nghệ): enterprises submit them; matches are suggested."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlmodel import select

from api.crud import IdFilter, apply_changes, check_sectors, commit_or_409, page
from api.deps import RuntimeDep, SessionDep
from api.filters import CountryFilter
from api.security import PrincipalDep
from api.views import need_out, readable_need
from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.auth.visibility import visible_needs
from matcher.models import Enterprise, Need, NeedCreate, NeedPublic, NeedsPublic, NeedUpdate
from matcher.models.enums import NeedStatus, TransferMode
from matcher.suggestions import DossierFilters, MatchList

router = APIRouter(prefix="/needs", tags=["needs"])


def _own_enterprise_id(session: SessionDep, who: Principal, body: NeedCreate) -> int:
    """The enterprise the need is for; an enterprise key submits for its own only."""
    if who.role is Role.enterprise and body.enterprise_id is None \
            and not body.enterprise_tax_code:
        return who.enterprise_id  # type: ignore[return-value]
    enterprise_id = _enterprise_id(session, body)
    if who.role is Role.enterprise and enterprise_id != who.enterprise_id:
        raise HTTPException(403, "an enterprise key submits needs for its own enterprise only")
    return enterprise_id


def _enterprise_id(session: SessionDep, body: NeedCreate) -> int:
    if body.enterprise_id is not None:
        if session.get(Enterprise, body.enterprise_id) is None:
            raise HTTPException(422, [{"loc": ["body", "enterprise_id"], "type": "value_error",
                                       "msg": f"no enterprise with id {body.enterprise_id}"}])
        return body.enterprise_id
    if not body.enterprise_tax_code:
        raise HTTPException(422, [{"loc": ["body", "enterprise_id"], "type": "missing",
                                   "msg": "give enterprise_id or enterprise_tax_code"}])
    found = session.exec(
        select(Enterprise).where(Enterprise.tax_code == body.enterprise_tax_code)).first()
    if found is None or found.id is None:
        raise HTTPException(422, [{"loc": ["body", "enterprise_tax_code"], "type": "value_error",
                                   "msg": f"no enterprise with tax code "
                                          f"'{body.enterprise_tax_code}'"}])
    return found.id


@router.get("", response_model=NeedsPublic)
def read_needs(session: SessionDep, who: PrincipalDep, skip: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               enterprise_id: IdFilter = None, status: NeedStatus | None = None) -> NeedsPublic:
    """List the needs the caller may see, optionally of one enterprise or status."""
    where = visible_needs(who)
    if where is None:
        return NeedsPublic(data=[], count=0)
    if enterprise_id is not None:
        where.append(Need.enterprise_id == enterprise_id)
    if status is not None:
        where.append(Need.status == status)
    rows, count = page(session, Need, skip, limit, *where)
    return NeedsPublic(data=[need_out(session, who, r) for r in rows],  # type: ignore[misc]
                       count=count)


@router.get("/{need_id}", response_model=NeedPublic)
def read_need(session: SessionDep, who: PrincipalDep, need_id: int) -> NeedPublic:
    """One need, as the caller may see it (404 when hidden from them)."""
    return need_out(session, who, readable_need(session, who, need_id))  # type: ignore[return-value]


@router.post("", response_model=NeedPublic, status_code=201)
def create_need(session: SessionDep, runtime: RuntimeDep, who: PrincipalDep,
                body: NeedCreate) -> Need:
    """Submit a need (by enterprise id or tax code); it is matchable when the response returns."""
    check_sectors(session, body.sector_codes)
    data = body.model_dump(exclude={"enterprise_tax_code"})
    data["enterprise_id"] = _own_enterprise_id(session, who, body)
    need = Need.model_validate(data)
    session.add(need)
    with runtime.lock:  # the index sees writes in the order the database commits them
        commit_or_409(session, f"need ref '{body.ref}'")
        session.refresh(need)
        runtime.index_needs([need])
    return need


@router.patch("/{need_id}", response_model=NeedPublic)
def update_need(session: SessionDep, runtime: RuntimeDep, who: PrincipalDep, need_id: int,
                body: NeedUpdate) -> Need:
    """Change the fields sent; the index follows before the response returns."""
    need = readable_need(session, who, need_id, full=True)
    changes = body.model_dump(exclude_unset=True)
    check_sectors(session, changes.get("sector_codes"))
    apply_changes(session, need, changes, NeedCreate)
    with runtime.lock:  # the index sees writes in the order the database commits them
        commit_or_409(session, f"need ref '{need.ref}'")
        session.refresh(need)
        runtime.index_needs([need])
    return need


@router.delete("/{need_id}", status_code=204)
def delete_need(session: SessionDep, runtime: RuntimeDep, who: PrincipalDep,
                need_id: int) -> None:
    """Delete a need and remove it from the index; 409 while introductions or event
    participants refer to it."""
    need = readable_need(session, who, need_id, full=True)
    session.delete(need)
    commit_or_409(session, f"need {need_id}")
    runtime.unindex(need_ids=[need_id])


@router.get("/{need_id}/matches", response_model=MatchList)
def read_need_matches(session: SessionDep, runtime: RuntimeDep, who: PrincipalDep, need_id: int,
                      limit: Annotated[int, Query(ge=1, le=100)] = 10,
                      origin_country: CountryFilter = None,
                      transfer_mode: TransferMode | None = None,
                      min_trl: Annotated[int | None, Query(ge=1, le=9)] = None) -> MatchList:
    """Dossiers in its jurisdiction's priority sectors, with feasibility and explanations."""
    need = readable_need(session, who, need_id)
    enterprise = session.get(Enterprise, need.enterprise_id)
    filters = DossierFilters(
        jurisdiction=enterprise.jurisdiction if enterprise else None,
        origin_country=origin_country, transfer_mode=transfer_mode, min_trl=min_trl)
    with runtime.lock:
        found = runtime.matches.for_need(session, need, filters, limit)
    shown = need_out(session, who, need)
    if shown is not None and shown.anonymised:
        found.query.text = shown.problem
    return found
