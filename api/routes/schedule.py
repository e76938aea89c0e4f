"""An event's schedule: pair participants into meetings, place them in slots and tables, and
check the result."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from api.crud import get_or_404
from api.deps import MatchesDep, SessionDep
from api.event_scope import writable_event
from api.security import PolicyDep
from matcher.events.candidates import build_candidates
from matcher.events.models import Event
from matcher.events.pairing import DEFAULT_MIN_SCORE
from matcher.events.service import (
    PairingReport,
    ScheduleReport,
    check_event,
    pair_event,
    schedule_event,
)

router = APIRouter(prefix="/events/{event_id}", tags=["events"])


class CheckResult(BaseModel):
    valid: bool
    violations: list[str]


@router.post("/pair", response_model=PairingReport)
def pair_meetings(session: SessionDep, matches: MatchesDep,
                  policy: PolicyDep, event_id: int,
                  min_score: Annotated[float, Query(
                      ge=0, le=1, description="Never pair below this match score (locked "
                      "meetings and accepted requests are kept whatever their score); the "
                      "default is measured on the seed, see benchmarks/README.md.")
                  ] = DEFAULT_MIN_SCORE,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50,
                  greedy: bool = False) -> PairingReport:
    """Choose the meetings with the highest total match score under every participant's cap
    (`greedy=true` runs the baseline instead); locked and accepted meetings are kept, declined
    requests never booked. Only needs the caller may see are matched."""
    event = writable_event(session, policy, event_id)
    candidates = build_candidates(session, event_id, matches, limit, policy=policy)
    report = pair_event(session, event, candidates, min_score, greedy)
    session.commit()
    return report


@router.post("/schedule", response_model=ScheduleReport)
def schedule_meetings(session: SessionDep, policy: PolicyDep, event_id: int) -> ScheduleReport:
    """Give each planned meeting a slot and table; report what was dropped and why."""
    event = writable_event(session, policy, event_id)
    try:
        report = schedule_event(session, event)
    except ValueError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    return report


@router.get("/check", response_model=CheckResult)
def check_schedule(session: SessionDep, event_id: int) -> CheckResult:
    """Run the independent constraint checker on the current schedule."""
    violations = check_event(session, get_or_404(session, Event, event_id))
    return CheckResult(valid=not violations, violations=violations)
