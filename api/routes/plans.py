"""A jurisdiction's plans carrying out Decision 1851/QĐ-TTg: periods and a target per
indicator, which progress and the annual report are measured against."""

from fastapi import APIRouter
from sqlmodel import Session, col, select

from api.crud import get_or_404, page
from api.deps import SessionDep
from api.filters import JurisdictionFilter
from matcher.ledger.models import (
    PeriodIn,
    Plan,
    PlanCreate,
    PlanPeriod,
    PlanPublic,
    PlansPublic,
    Target,
    TargetIn,
)
from matcher.services.checks import check_jurisdiction
from matcher.services.commit import commit, flush
from matcher.services.errors import Invalid

router = APIRouter(prefix="/ledger/plans", tags=["ledger"])
PERIODS_CLASH = "plan periods (labels and indicators must be unique)"


@router.get("", response_model=PlansPublic)
def read_plans(session: SessionDep, jurisdiction: JurisdictionFilter = None) -> PlansPublic:
    """Plans with their periods and targets."""
    where = [Plan.jurisdiction == jurisdiction] if jurisdiction else []
    rows, count = page(session, Plan, 0, 100, *where)
    return PlansPublic(data=[_plan_public(session, r) for r in rows], count=count)


@router.get("/{plan_id}", response_model=PlanPublic)
def read_plan(session: SessionDep, plan_id: int) -> PlanPublic:
    """One plan with its periods and targets."""
    return _plan_public(session, get_or_404(session, Plan, plan_id))


@router.post("", response_model=PlanPublic, status_code=201)
def create_plan(session: SessionDep, body: PlanCreate) -> PlanPublic:
    """Create a plan with its periods and a target per indicator, all or nothing."""
    check_jurisdiction(session, body.jurisdiction)
    for i, period in enumerate(body.periods):
        if period.start > period.end:
            raise Invalid.at(["body", "periods", i], f"period {period.label}: start is after end")
    plan = Plan.model_validate(body.model_dump(exclude={"periods"}))
    session.add(plan)
    flush(session, f"plan ref '{body.ref}'")
    assert plan.id is not None
    for given in body.periods:
        stored = PlanPeriod(plan_id=plan.id, label=given.label, start=given.start,
                            end=given.end)
        session.add(stored)
        flush(session, PERIODS_CLASH)
        assert stored.id is not None
        for t in given.targets:
            session.add(Target(period_id=stored.id, **t.model_dump()))
    commit(session, PERIODS_CLASH)
    session.refresh(plan)
    return _plan_public(session, plan)


def _plan_public(session: Session, plan: Plan) -> PlanPublic:
    """The plan with its periods in order, each with its targets."""
    periods = session.exec(select(PlanPeriod).where(PlanPeriod.plan_id == plan.id)
                           .order_by(col(PlanPeriod.start))).all()
    out = []
    for period in periods:
        targets = session.exec(select(Target).where(Target.period_id == period.id)
                               .order_by(col(Target.id))).all()
        out.append(PeriodIn(label=period.label, start=period.start, end=period.end,
                            targets=[TargetIn.model_validate(t) for t in targets]))
    return PlanPublic.model_validate(plan, update={"periods": out})
