"""Technology dossiers (hồ sơ công nghệ): CRUD and the needs a dossier could answer."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from api.crud import apply_changes, check_sectors, commit_or_409, get_or_404, page
from api.deps import RuntimeDep, SessionDep
from api.security import PrincipalDep
from api.views import dossier_out, need_matches_out
from matcher.auth.visibility import visible_needs
from matcher.models import (
    Dossier,
    DossierCreate,
    DossierPublic,
    DossiersPublic,
    DossierUpdate,
    Need,
)
from matcher.models.enums import DossierStatus
from matcher.suggestions import MatchList

router = APIRouter(prefix="/dossiers", tags=["dossiers"])


@router.get("", response_model=DossiersPublic)
def read_dossiers(session: SessionDep, who: PrincipalDep, skip: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=100)] = 20,
                  status: DossierStatus | None = None) -> DossiersPublic:
    """List dossiers, newest id last, optionally by status."""
    where = [Dossier.status == status] if status else []
    rows, count = page(session, Dossier, skip, limit, *where)
    return DossiersPublic(data=[dossier_out(who, r) for r in rows], count=count)


@router.get("/{dossier_id}", response_model=DossierPublic)
def read_dossier(session: SessionDep, who: PrincipalDep, dossier_id: int) -> DossierPublic:
    """One dossier (supplier contact for intermediaries and admins only)."""
    return dossier_out(who, get_or_404(session, Dossier, dossier_id))


@router.post("", response_model=DossierPublic, status_code=201)
def create_dossier(session: SessionDep, runtime: RuntimeDep, body: DossierCreate) -> Dossier:
    """Create a dossier; it is searchable when the response returns."""
    check_sectors(session, body.sector_codes)
    dossier = Dossier.model_validate(body)
    session.add(dossier)
    with runtime.lock:  # the index sees writes in the order the database commits them
        commit_or_409(session, f"dossier ref '{body.ref}'")
        session.refresh(dossier)
        runtime.index_dossiers([dossier])
    return dossier


@router.patch("/{dossier_id}", response_model=DossierPublic)
def update_dossier(session: SessionDep, runtime: RuntimeDep, dossier_id: int,
                   body: DossierUpdate) -> Dossier:
    """Change the fields sent; the index follows before the response returns."""
    dossier = get_or_404(session, Dossier, dossier_id)
    changes = body.model_dump(exclude_unset=True)
    check_sectors(session, changes.get("sector_codes"))
    apply_changes(session, dossier, changes, DossierCreate)
    with runtime.lock:  # the index sees writes in the order the database commits them
        commit_or_409(session, f"dossier ref '{dossier.ref}'")
        session.refresh(dossier)
        runtime.index_dossiers([dossier])
    return dossier


@router.delete("/{dossier_id}", status_code=204)
def delete_dossier(session: SessionDep, runtime: RuntimeDep, dossier_id: int) -> None:
    """Delete a dossier and remove it from the index; 409 while introductions, transfers or
    event participants refer to it."""
    dossier = get_or_404(session, Dossier, dossier_id)
    session.delete(dossier)
    with runtime.lock:
        commit_or_409(session, f"dossier {dossier_id}")
        runtime.unindex(dossier_ids=[dossier_id])


@router.get("/{dossier_id}/matches", response_model=MatchList)
def read_dossier_matches(session: SessionDep, runtime: RuntimeDep, who: PrincipalDep,
                         dossier_id: int,
                         limit: Annotated[int, Query(ge=1, le=100)] = 10) -> MatchList:
    """Open needs this dossier could answer, best first, with explanations; only needs the
    caller may see, anonymised for organisers."""
    dossier = get_or_404(session, Dossier, dossier_id)
    conditions = visible_needs(who)
    visible = set() if conditions is None else set(
        session.exec(select(Need.id).where(*conditions)).all())
    with runtime.lock:
        found = runtime.matches.for_dossier(session, dossier, limit, visible)  # type: ignore[arg-type]
    return need_matches_out(session, who, found)
