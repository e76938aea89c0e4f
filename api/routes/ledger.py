"""Ledger records beside introductions: intermediaries, transfers, trainings, FDI, plans."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from sqlmodel import Session, col, select

from api.crud import apply_changes, commit_or_409, get_or_404, page
from api.deps import SessionDep
from api.filters import JurisdictionFilter, check_jurisdiction
from api.routes.introductions import ledger_errors
from api.security import PolicyDep, referenced
from api.views import transfer_out
from matcher.ledger import record_training
from matcher.ledger.models import (
    FdiProject,
    FdiProjectCreate,
    FdiProjectPublic,
    FdiProjectsPublic,
    IntermediariesPublic,
    Intermediary,
    IntermediaryCreate,
    IntermediaryPublic,
    IntermediaryUpdate,
    ParticipantBase,
    PeriodIn,
    Person,
    PersonCreate,
    PersonPublic,
    Plan,
    PlanCreate,
    PlanPeriod,
    PlanPublic,
    PlansPublic,
    Target,
    TargetIn,
    Training,
    TrainingCreate,
    TrainingParticipant,
    TrainingPublic,
    TrainingsPublic,
    Transfer,
    TransfersPublic,
)
from matcher.models import Enterprise

router = APIRouter(prefix="/ledger", tags=["ledger"])
Skip = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.get("/intermediaries", response_model=IntermediariesPublic)
def read_intermediaries(session: SessionDep, skip: Skip = 0, limit: Limit = 20,
                        jurisdiction: JurisdictionFilter = None) -> IntermediariesPublic:
    """List intermediary organisations, optionally of one jurisdiction."""
    where = [Intermediary.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Intermediary, skip, limit, *where)
    return IntermediariesPublic(data=[IntermediaryPublic.model_validate(r) for r in rows],
                                count=count)


@router.post("/intermediaries", response_model=IntermediaryPublic, status_code=201)
def create_intermediary(session: SessionDep, body: IntermediaryCreate) -> Intermediary:
    """Register an intermediary organisation."""
    check_jurisdiction(session, body.jurisdiction)
    record = Intermediary.model_validate(body)
    session.add(record)
    commit_or_409(session, f"intermediary ref '{body.ref}'")
    session.refresh(record)
    return record


@router.patch("/intermediaries/{intermediary_id}", response_model=IntermediaryPublic)
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


@router.get("/intermediaries/{intermediary_id}/people", response_model=list[PersonPublic])
def read_people(session: SessionDep, intermediary_id: int) -> list[Person]:
    """The people acting for an intermediary."""
    get_or_404(session, Intermediary, intermediary_id)
    return list(session.exec(select(Person).where(Person.intermediary_id == intermediary_id)
                             .order_by(col(Person.id))))


@router.post("/intermediaries/{intermediary_id}/people", response_model=PersonPublic,
             status_code=201)
def create_person(session: SessionDep, policy: PolicyDep, intermediary_id: int,
                  body: PersonCreate) -> Person:
    """Add a person acting for an intermediary of the caller's jurisdiction."""
    organisation = get_or_404(session, Intermediary, intermediary_id)
    policy.check_jurisdiction_write(organisation.jurisdiction, "intermediaries")
    person = Person.model_validate(body, update={"intermediary_id": intermediary_id})
    session.add(person)
    session.commit()
    session.refresh(person)
    return person


@router.get("/transfers", response_model=TransfersPublic)
def read_transfers(session: SessionDep, policy: PolicyDep, skip: Skip = 0, limit: Limit = 20,
                   jurisdiction: JurisdictionFilter = None) -> TransfersPublic:
    """Signed transfer contracts, optionally of one jurisdiction's enterprises."""
    where = [policy.transfer_rows()]
    if jurisdiction:
        ids = select(Enterprise.id).where(Enterprise.jurisdiction == jurisdiction)
        where.append(col(Transfer.enterprise_id).in_(ids))
    rows, count = page(session, Transfer, skip, limit, *where)
    return TransfersPublic(data=[transfer_out(policy, r) for r in rows], count=count)


def _training_public(session: Session, training: Training) -> TrainingPublic:
    people = session.exec(select(TrainingParticipant).where(
        TrainingParticipant.training_id == training.id).order_by(col(TrainingParticipant.id))).all()
    return TrainingPublic.model_validate(training, update={
        "participants": [ParticipantBase.model_validate(p) for p in people]})


@router.get("/trainings", response_model=TrainingsPublic)
def read_trainings(session: SessionDep, skip: Skip = 0, limit: Limit = 20,
                   jurisdiction: JurisdictionFilter = None) -> TrainingsPublic:
    """Trainings with their participants, optionally of one jurisdiction."""
    where = [Training.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Training, skip, limit, *where)
    return TrainingsPublic(data=[_training_public(session, r) for r in rows], count=count)


@router.post("/trainings", response_model=TrainingPublic, status_code=201)
def create_training(session: SessionDep, policy: PolicyDep,
                    body: TrainingCreate) -> TrainingPublic:
    """Record a course and its participants, in the caller's jurisdiction."""
    check_jurisdiction(session, body.jurisdiction)
    with ledger_errors():
        training = record_training(session, body, policy=policy)
    commit_or_409(session, f"training ref '{body.ref}'")
    return _training_public(session, training)


@router.get("/fdi-projects", response_model=FdiProjectsPublic)
def read_fdi_projects(session: SessionDep, skip: Skip = 0, limit: Limit = 20,
                      jurisdiction: JurisdictionFilter = None,
                      year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                      ) -> FdiProjectsPublic:
    """FDI projects, optionally of one jurisdiction or year."""
    where = []
    if jurisdiction:
        where.append(FdiProject.jurisdiction == jurisdiction)
    if year is not None:
        where.append(FdiProject.year == year)
    rows, count = page(session, FdiProject, skip, limit, *where)
    return FdiProjectsPublic(data=[FdiProjectPublic.model_validate(r) for r in rows],
                             count=count)


@router.post("/fdi-projects", response_model=FdiProjectPublic, status_code=201)
def create_fdi_project(session: SessionDep, policy: PolicyDep,
                       body: FdiProjectCreate) -> FdiProject:
    """Record an FDI project of a year, with or without technology transfer, in the caller's
    jurisdiction."""
    check_jurisdiction(session, body.jurisdiction)
    policy.check_jurisdiction_write(body.jurisdiction, "FDI projects")
    if body.local_enterprise_id is not None:
        with referenced("local_enterprise_id"):
            policy.enterprise(session, body.local_enterprise_id)
    record = FdiProject.model_validate(body)
    session.add(record)
    commit_or_409(session, f"FDI project ref '{body.ref}'")
    session.refresh(record)
    return record


def _plan_public(session: Session, plan: Plan) -> PlanPublic:
    periods = session.exec(select(PlanPeriod).where(PlanPeriod.plan_id == plan.id)
                           .order_by(col(PlanPeriod.start))).all()
    out = []
    for period in periods:
        targets = session.exec(select(Target).where(Target.period_id == period.id)
                               .order_by(col(Target.id))).all()
        out.append(PeriodIn(label=period.label, start=period.start, end=period.end,
                            targets=[TargetIn.model_validate(t) for t in targets]))
    return PlanPublic.model_validate(plan, update={"periods": out})


@router.get("/plans", response_model=PlansPublic)
def read_plans(session: SessionDep, jurisdiction: JurisdictionFilter = None) -> PlansPublic:
    """Plans with their periods and targets."""
    where = [Plan.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Plan, 0, 100, *where)
    return PlansPublic(data=[_plan_public(session, r) for r in rows], count=count)


@router.get("/plans/{plan_id}", response_model=PlanPublic)
def read_plan(session: SessionDep, plan_id: int) -> PlanPublic:
    """One plan with its periods and targets."""
    return _plan_public(session, get_or_404(session, Plan, plan_id))


@router.post("/plans", response_model=PlanPublic, status_code=201)
def create_plan(session: SessionDep, body: PlanCreate) -> PlanPublic:
    """Create a plan with its periods and a target per indicator."""
    check_jurisdiction(session, body.jurisdiction)
    for i, period in enumerate(body.periods):
        if period.start > period.end:
            raise HTTPException(422, [{"loc": ["body", "periods", i], "type": "value_error",
                                       "msg": f"period {period.label}: start is after end"}])
    plan = Plan.model_validate(body.model_dump(exclude={"periods"}))
    session.add(plan)
    commit_or_409(session, f"plan ref '{body.ref}'")
    for given in body.periods:
        stored = PlanPeriod(plan_id=plan.id or 0, label=given.label, start=given.start,
                            end=given.end)
        session.add(stored)
        session.flush()
        for t in given.targets:
            session.add(Target(period_id=stored.id or 0, **t.model_dump()))
    commit_or_409(session, "plan periods (labels and indicators must be unique)")
    session.refresh(plan)
    return _plan_public(session, plan)
