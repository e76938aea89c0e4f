"""Trainings (đào tạo) on technology search, assessment and transfer, with their trainees."""

from fastapi import APIRouter
from sqlmodel import Session, col, select

from api.crud import Limit, Skip, page
from api.deps import SessionDep
from api.filters import JurisdictionFilter
from api.ledger_errors import ledger_errors
from api.security import PolicyDep
from matcher.ledger.models import (
    Training,
    TrainingCreate,
    TrainingParticipant,
    TrainingParticipantBase,
    TrainingPublic,
    TrainingsPublic,
)
from matcher.ledger.service import record_training
from matcher.services.checks import check_jurisdiction
from matcher.services.commit import commit

router = APIRouter(prefix="/ledger/trainings", tags=["ledger"])


@router.get("", response_model=TrainingsPublic)
def read_trainings(session: SessionDep, skip: Skip = 0, limit: Limit = 20,
                   jurisdiction: JurisdictionFilter = None) -> TrainingsPublic:
    """Trainings with their participants, optionally of one jurisdiction."""
    where = [Training.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Training, skip, limit, *where)
    return TrainingsPublic(data=[_training_public(session, r) for r in rows], count=count)


@router.post("", response_model=TrainingPublic, status_code=201)
def create_training(session: SessionDep, policy: PolicyDep,
                    body: TrainingCreate) -> TrainingPublic:
    """Record a course and its participants, in the caller's jurisdiction."""
    check_jurisdiction(session, body.jurisdiction)
    with ledger_errors():
        training = record_training(session, body, policy=policy)
    commit(session, f"training ref '{body.ref}'")
    return _training_public(session, training)


def _training_public(session: Session, training: Training) -> TrainingPublic:
    """The training with its trainees."""
    people = session.exec(select(TrainingParticipant)
                          .where(TrainingParticipant.training_id == training.id)
                          .order_by(col(TrainingParticipant.id))).all()
    return TrainingPublic.model_validate(training, update={
        "participants": [TrainingParticipantBase.model_validate(p) for p in people]})
