"""Intermediary organisations (tổ chức trung gian): consultants, brokers, S&T centres, event
organisers that introduce technology."""

from fastapi import APIRouter

from api.crud import Limit, Skip, get_or_404, page
from api.deps import SessionDep
from api.filters import JurisdictionFilter
from matcher.ledger.models import (
    IntermediariesPublic,
    Intermediary,
    IntermediaryCreate,
    IntermediaryPublic,
    IntermediaryUpdate,
)
from matcher.services.checks import apply_changes, check_jurisdiction
from matcher.services.commit import commit

router = APIRouter(prefix="/ledger/intermediaries", tags=["ledger"])


@router.get("", response_model=IntermediariesPublic)
def read_intermediaries(session: SessionDep, skip: Skip = 0, limit: Limit = 20,
                        jurisdiction: JurisdictionFilter = None) -> IntermediariesPublic:
    """List intermediary organisations, optionally of one jurisdiction."""
    where = [Intermediary.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Intermediary, skip, limit, *where)
    return IntermediariesPublic(data=[IntermediaryPublic.model_validate(r) for r in rows],
                                count=count)


@router.post("", response_model=IntermediaryPublic, status_code=201)
def create_intermediary(session: SessionDep, body: IntermediaryCreate) -> Intermediary:
    """Register an intermediary organisation."""
    check_jurisdiction(session, body.jurisdiction)
    record = Intermediary.model_validate(body)
    session.add(record)
    commit(session, f"intermediary ref '{body.ref}'")
    session.refresh(record)
    return record


@router.patch("/{intermediary_id}", response_model=IntermediaryPublic)
def update_intermediary(session: SessionDep, intermediary_id: int, body: IntermediaryUpdate
                        ) -> Intermediary:
    """Change the fields sent."""
    record = get_or_404(session, Intermediary, intermediary_id)
    changes = body.model_dump(exclude_unset=True)
    check_jurisdiction(session, changes.get("jurisdiction"))
    apply_changes(session, record, changes, IntermediaryCreate)
    session.commit()
    session.refresh(record)
    return record
