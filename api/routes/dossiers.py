"""Technology dossiers (hồ sơ công nghệ): CRUD and the needs a dossier could answer."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import page
from api.deps import RuntimeDep, SessionDep
from api.routes.duplicates import DetectorDep, DossierCreated
from api.security import PolicyDep
from api.views import dossier_out, matches_for_dossier_out
from matcher.models import (
    Dossier,
    DossierCreate,
    DossierPublic,
    DossiersPublic,
    DossierUpdate,
)
from matcher.models.enums import DossierStatus
from matcher.search.documents import dossier_document
from matcher.search.matches import MatchList
from matcher.services import dossiers

router = APIRouter(prefix="/dossiers", tags=["dossiers"])


@router.get("", response_model=DossiersPublic)
def read_dossiers(session: SessionDep, policy: PolicyDep, skip: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=100)] = 20,
                  status: DossierStatus | None = None) -> DossiersPublic:
    """List dossiers, newest id last, optionally by status."""
    where = [Dossier.status == status] if status else []
    rows, count = page(session, Dossier, skip, limit, *where)
    return DossiersPublic(data=[dossier_out(policy, r) for r in rows], count=count)


@router.get("/{dossier_id}", response_model=DossierPublic)
def read_dossier(session: SessionDep, policy: PolicyDep, dossier_id: int) -> DossierPublic:
    """One dossier (supplier contact for intermediaries and admins only)."""
    return dossier_out(policy, policy.dossier(session, dossier_id))


@router.post("", response_model=DossierCreated, status_code=201)
def create_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep,
                   detector: DetectorDep, body: DossierCreate) -> DossierCreated:
    """Create a dossier; it is searchable when the response returns, and the response lists
    the stored dossiers it likely duplicates (created all the same)."""
    dossier = dossiers.create_dossier(session, body)
    runtime.commit(session, f"dossier ref '{body.ref}'")
    shown = dossier_out(policy, dossier)
    return DossierCreated(**shown.model_dump(),
                          duplicates=detector.find(dossier_document(dossier)))


@router.patch("/{dossier_id}", response_model=DossierPublic)
def update_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, dossier_id: int,
                   body: DossierUpdate) -> Dossier:
    """Change the fields sent; the index follows before the response returns."""
    dossier = dossiers.update_dossier(session, policy, dossier_id,
                                      body.model_dump(exclude_unset=True))
    runtime.commit(session, f"dossier ref '{dossier.ref}'")
    return dossier


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
