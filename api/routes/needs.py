"""Technology needs (nhu cầu công nghệ): enterprises submit them; matches are suggested."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import IdFilter
from api.deps import RuntimeDep, SessionDep
from api.filters import (
    CountryFilter,
    ExpiredFilter,
    ExpiringWithin,
    JurisdictionFilter,
    validity_where,
)
from api.security import PolicyDep, related
from api.views import matches_for_need_out, need_as_seen, need_out, readable_need_out
from matcher.models import Enterprise, Need, NeedCreate, NeedPublic, NeedsPublic, NeedUpdate
from matcher.models.enums import NeedStatus, TransferMode
from matcher.models.limits import MAX_CODES
from matcher.models.sector_catalog import SectorCatalog
from matcher.search.matches import DossierFilters, MatchList
from matcher.services import needs, validity
from matcher.services.errors import Invalid
from matcher.services.need_list import NeedFilters, list_needs

router = APIRouter(prefix="/needs", tags=["needs"])


@router.get("", response_model=NeedsPublic)
def read_needs(session: SessionDep, policy: PolicyDep, skip: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               enterprise_id: IdFilter = None, status: NeedStatus | None = None,
               jurisdiction: JurisdictionFilter = None,
               sector: Annotated[list[str] | None, Query(
                   max_length=MAX_CODES, description="Sector codes: needs with any of them.")]
               = None,
               q: Annotated[str | None, Query(
                   min_length=1, max_length=500, description="Words that must all be in the "
                   "need's title, problem or desired result, with or without diacritics.")]
               = None,
               expired: ExpiredFilter = None,
               expiring_within: ExpiringWithin = None) -> NeedsPublic:
    """List the needs the caller may see, optionally of one enterprise, province (its
    enterprise's jurisdiction), sector, status, validity, or holding the words of `q`."""
    where = related(policy, session, Need, enterprise_id=enterprise_id)
    where += validity_where(Need, expired, expiring_within)
    codes = tuple(dict.fromkeys(sector or ()))
    unknown = SectorCatalog.from_session(session).unknown(list(codes))
    if unknown:
        raise Invalid.at(["query", "sector"], f"unknown sector code(s): {', '.join(unknown)}")
    filters = NeedFilters(jurisdiction=jurisdiction, sectors=codes, status=status, text=q)
    rows, count = list_needs(session, policy, filters, skip, limit,
                             lambda need: need_out(session, policy, need), *where)
    return NeedsPublic(data=[need_out(session, policy, r) for r in rows],  # type: ignore[misc]
                       count=count)


@router.get("/{need_id}", response_model=NeedPublic)
def read_need(session: SessionDep, policy: PolicyDep, need_id: int) -> NeedPublic:
    """One need, as the caller may see it (404 when hidden from them)."""
    return readable_need_out(session, policy, need_id)


@router.post("", response_model=NeedPublic, status_code=201)
def create_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                body: NeedCreate) -> Need:
    """Submit a need (by enterprise id or tax code), listed for `KETNOI_VALIDITY_MONTHS`; it is
    matchable when the response returns."""
    need = needs.create_need(session, policy, body)
    runtime.commit(session, f"need ref '{body.ref}'")
    return need


@router.patch("/{need_id}", response_model=NeedPublic)
def update_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, need_id: int,
                body: NeedUpdate) -> Need:
    """Change the fields sent; the index follows before the response returns. Making a need
    more public is for admins and the need's own enterprise."""
    need = needs.update_need(session, policy, need_id, body.model_dump(exclude_unset=True))
    runtime.commit(session, f"need ref '{need.ref}'")
    return need


@router.post("/{need_id}/renew", response_model=NeedPublic)
def renew_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
               need_id: int) -> NeedPublic:
    """Keep the need listed for `KETNOI_VALIDITY_MONTHS` from today (for whoever may change
    it); an expired one is matched again when the response returns."""
    validity.renew_need(session, policy, need_id)
    runtime.commit(session, f"need {need_id}")
    return readable_need_out(session, policy, need_id)


@router.delete("/{need_id}", status_code=204)
def delete_need(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                need_id: int) -> None:
    """Delete a need and remove it from the index; 409 while introductions or event
    participants refer to it."""
    needs.delete_need(session, policy, need_id)
    runtime.commit(session, f"need {need_id}")


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
    found = runtime.matches.for_need(session, seen, filters, limit, discreet=seen is not need)
    return matches_for_need_out(session, policy, need, found)
