"""Outcomes of an event's meetings: held or no-show with a rating, the six-month follow-up,
and the event's counts."""

from fastapi import APIRouter, HTTPException

from api.crud import get_or_404
from api.deps import SessionDep
from api.event_scope import event_member, writable_event
from api.security import PolicyDep
from matcher.events.follow_up import MeetingFollowUpPublic
from matcher.events.models import Event, Meeting, MeetingFollowUp, MeetingOutcome, MeetingPublic
from matcher.events.outcomes import OutcomeError, OutcomeSummary, record_follow_up, summarise
from matcher.events.outcomes import record_outcome as save_outcome

router = APIRouter(prefix="/events/{event_id}", tags=["events"])


@router.post("/meetings/{meeting_id}/outcome", response_model=MeetingPublic)
def record_outcome(session: SessionDep, policy: PolicyDep, event_id: int, meeting_id: int,
                   body: MeetingOutcome) -> Meeting:
    """Held or no-show and the rating (409 before the meeting's slot begins); a held meeting
    becomes a ledger introduction when the caller writes the ledger of the enterprise's
    jurisdiction."""
    writable_event(session, policy, event_id)
    meeting = event_member(session, Meeting, event_id, meeting_id)
    try:
        save_outcome(session, meeting, body, policy=policy)
    except OutcomeError as exc:
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    session.refresh(meeting)
    return meeting


@router.post("/meetings/{meeting_id}/follow-up", response_model=MeetingFollowUpPublic)
def record_meeting_follow_up(session: SessionDep, policy: PolicyDep, event_id: int,
                             meeting_id: int, body: MeetingFollowUp) -> MeetingFollowUpPublic:
    """The six-month follow-up of a held meeting; it moves the introduction the meeting became
    (negotiation → negotiating, no further contact → stalled) when the pipeline allows it and
    the caller writes that ledger, and says what it did or why not."""
    writable_event(session, policy, event_id)
    meeting = event_member(session, Meeting, event_id, meeting_id)
    try:
        move = record_follow_up(session, meeting, body, policy=policy)
    except OutcomeError as exc:
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    session.refresh(meeting)
    return MeetingFollowUpPublic.of(meeting, move)


@router.get("/outcomes", response_model=OutcomeSummary)
def read_outcomes(session: SessionDep, event_id: int) -> OutcomeSummary:
    """Counts by status, rating and follow-up."""
    get_or_404(session, Event, event_id)
    return summarise(session, event_id)
