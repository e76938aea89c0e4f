"""Technology dossiers (hồ sơ công nghệ): CRUD and the needs a dossier could answer."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.crud import page
from api.deps import RuntimeDep, SessionDep
from api.filters import ExpiredFilter, ExpiringWithin, validity_where
from api.routes.duplicates import DetectorDep, DossierCreated
from api.security import PolicyDep
from api.views import dossier_out, dossiers_out, matches_for_dossier_out
from matcher.auth.policy import Refused
from matcher.models import (
    Dossier,
    DossierCreate,
    DossierPublic,
    DossiersPublic,
    DossierUpdate,
)
from matcher.models.enums import DossierStatus
from matcher.models.finding import FindingPublic
from matcher.models.quality import quality_score
from matcher.search.documents import dossier_document
from matcher.search.matches import MatchList
from matcher.services import dossiers, screening, validity

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
    rows, count = page(session, Dossier, skip, limit, policy.dossier_rows(), *where,
                       first_by=first_by)
    return DossiersPublic(data=dossiers_out(session, policy, list(rows)), count=count)


@router.get("/{dossier_id}", response_model=DossierPublic)
def read_dossier(session: SessionDep, policy: PolicyDep, dossier_id: int) -> DossierPublic:
    """One dossier with its screening findings (supplier contact for intermediaries and admins
    only); a dossier blocked by a prohibited finding is read by admins only."""
    return dossier_out(session, policy, policy.dossier(session, dossier_id))


@router.get("/{dossier_id}/findings", response_model=list[FindingPublic])
def read_dossier_findings(session: SessionDep, policy: PolicyDep, dossier_id: int,
                          include_dismissed: bool = False) -> list[FindingPublic]:
    """The dossier's screening findings, most serious first; admins may ask for the dismissed
    ones too (`include_dismissed`)."""
    rows = screening.findings_of(session, policy, dossier_id, include_dismissed)
    return [FindingPublic.model_validate(r, from_attributes=True) for r in rows]


@router.post("", response_model=DossierCreated, status_code=201)
def create_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                   detector: DetectorDep, body: DossierCreate) -> DossierCreated:
    """Create a dossier, listed for `KETNOI_VALIDITY_MONTHS`; it is screened and searchable
    when the response returns. The
    response holds its findings and the stored dossiers it likely duplicates (it is created
    all the same)."""
    dossier = dossiers.create_dossier(session, body)
    runtime.commit(session, f"dossier ref '{body.ref}'")
    shown = _as_written(session, policy, dossier)
    return DossierCreated(**shown.model_dump(),
                          duplicates=detector.find(dossier_document(dossier),
                                                   policy.unreadable_dossiers(session)))


@router.patch("/{dossier_id}", response_model=DossierPublic)
def update_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, dossier_id: int,
                   body: DossierUpdate) -> DossierPublic:
    """Change the fields sent; the index follows before the response returns."""
    dossier = dossiers.update_dossier(session, policy, dossier_id,
                                      body.model_dump(exclude_unset=True))
    runtime.commit(session, f"dossier ref '{dossier.ref}'")
    return _as_written(session, policy, dossier)


def _as_written(session: SessionDep, policy: PolicyDep, dossier: Dossier) -> DossierPublic:
    """The dossier just written, with its new findings: the writer learns that its dossier
    is now blocked (what it wrote is no secret to it), though it may no longer read it."""
    return dossiers_out(session, policy, [dossier])[0]


@router.post("/{dossier_id}/renew", response_model=DossierPublic)
def renew_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                  dossier_id: int) -> DossierPublic:
    """Keep the dossier listed for `KETNOI_VALIDITY_MONTHS` from today; an expired one is
    searchable again when the response returns."""
    dossier = validity.renew_dossier(session, policy, dossier_id)
    runtime.commit(session, f"dossier {dossier_id}")
    return dossier_out(session, policy, dossier)


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
