"""Technology dossiers (hồ sơ công nghệ): CRUD and the needs a dossier could answer."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.crud import page
from api.deps import RuntimeDep, SessionDep
from api.filters import ExpiredFilter, ExpiringWithin, validity_where
from api.security import PolicyDep
from api.views import dossier_out, matches_for_dossier_out
from matcher.auth.policy import Refused
from matcher.models import (
    Dossier,
    DossierCreate,
    DossierPublic,
    DossiersPublic,
    DossierUpdate,
)
from matcher.models.enums import DossierStatus
from matcher.models.quality import quality_score
from matcher.search.matches import MatchList
from matcher.services import dossiers, validity

router = APIRouter(prefix="/dossiers", tags=["dossiers"])


class DossierOrder(StrEnum):
    """The order of a dossier list: by id, or by completeness (ties by id)."""

    id = "id"
    quality = "quality"  # the most complete first
    least_quality = "-quality"  # the least complete first: the ones to work on


@router.get("", response_model=DossiersPublic)
def read_dossiers(session: SessionDep, policy: PolicyDep, skip: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=100)] = 20,
                  status: DossierStatus | None = None, expired: ExpiredFilter = None,
                  expiring_within: ExpiringWithin = None,
                  min_quality: Annotated[int | None, Query(
                      ge=0, le=100, description="Only dossiers this complete or more "
                      "(brokers and admins).")] = None,
                  sort: Annotated[DossierOrder, Query(
                      description="`quality` / `-quality`: most / least complete first "
                      "(brokers and admins).")] = DossierOrder.id) -> DossiersPublic:
    """List dossiers, newest id last, optionally by status, validity or completeness."""
    where: list[Any] = [Dossier.status == status] if status else []
    where += validity_where(Dossier, expired, expiring_within)
    score = quality_score(Dossier)
    if (min_quality is not None or sort is not DossierOrder.id) and not policy.sees_quality():
        raise Refused("only brokers and admins see the completeness of dossiers, or filter "
                      "and sort by it")
    if min_quality is not None:
        where.append(score >= min_quality)
    first_by = {DossierOrder.quality: score.desc(), DossierOrder.least_quality: score,
                DossierOrder.id: None}[sort]
    rows, count = page(session, Dossier, skip, limit, *where, first_by=first_by)
    return DossiersPublic(data=[dossier_out(policy, r) for r in rows], count=count)


@router.get("/{dossier_id}", response_model=DossierPublic)
def read_dossier(session: SessionDep, policy: PolicyDep, dossier_id: int) -> DossierPublic:
    """One dossier (supplier contact for intermediaries and admins only)."""
    return dossier_out(policy, policy.dossier(session, dossier_id))


@router.post("", response_model=DossierPublic, status_code=201)
def create_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                   body: DossierCreate) -> DossierPublic:
    """Create a dossier, listed for `KETNOI_VALIDITY_MONTHS`; it is searchable when the
    response returns."""
    dossier = dossiers.create_dossier(session, body)
    runtime.commit(session, f"dossier ref '{body.ref}'")
    return dossier_out(policy, dossier)


@router.patch("/{dossier_id}", response_model=DossierPublic)
def update_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, dossier_id: int,
                   body: DossierUpdate) -> DossierPublic:
    """Change the fields sent; the index follows before the response returns."""
    dossier = dossiers.update_dossier(session, policy, dossier_id,
                                      body.model_dump(exclude_unset=True))
    runtime.commit(session, f"dossier ref '{dossier.ref}'")
    return dossier_out(policy, dossier)


@router.post("/{dossier_id}/renew", response_model=DossierPublic)
def renew_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                  dossier_id: int) -> DossierPublic:
    """Keep the dossier listed for `KETNOI_VALIDITY_MONTHS` from today; an expired one is
    searchable again when the response returns."""
    dossier = validity.renew_dossier(session, policy, dossier_id)
    runtime.commit(session, f"dossier {dossier_id}")
    return dossier_out(policy, dossier)


@router.delete("/{dossier_id}", status_code=204)
def delete_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                   dossier_id: int) -> None:
    """Delete a dossier and remove it from the index; 409 while introductions, transfers or
    event participants refer to it."""
    dossiers.delete_dossier(session, policy, dossier_id)
    runtime.commit(session, f"dossier {dossier_id}")


@router.get("/{dossier_id}/matches", response_model=MatchList)
def read_dossier_matches(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                         dossier_id: int,
                         limit: Annotated[int, Query(ge=1, le=100)] = 10) -> MatchList:
    """Open needs this dossier could answer, best first, with explanations; only needs the
    caller may see, anonymised for organisers."""
    dossier = policy.dossier(session, dossier_id)
    visible = policy.visible_need_ids(session)
    # organisers see every need anonymised: nothing of its enterprise
    found = runtime.matches.for_dossier(session, dossier, limit, visible,
                                        discreet=not policy.sees_identities())
    return matches_for_dossier_out(session, policy, found)
