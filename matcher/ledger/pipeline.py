"""The introduction pipeline: allowed status changes, the derived status, append-only events.

suggested → introduced → interested → negotiating → transferred; any open stage may end in
declined (with a reason) or pause as stalled; a stalled introduction resumes at the stage it
stalled in or the next one. transferred and declined are final.
"""

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from matcher.ledger.models import (
    DeclineReason,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
)

FORWARD = [IntroductionStatus.suggested, IntroductionStatus.introduced,
           IntroductionStatus.interested, IntroductionStatus.negotiating,
           IntroductionStatus.transferred]
FINAL = {IntroductionStatus.transferred, IntroductionStatus.declined}


class TransitionError(ValueError):
    """A status change the pipeline does not allow (the API answers 409)."""


def current_status(events: Sequence[IntroductionEvent]) -> IntroductionStatus | None:
    """The status of the last event appended, or None when there are none."""
    return IntroductionStatus(events[-1].status) if events else None


def _stage_before_stall(events: Sequence[IntroductionEvent]) -> IntroductionStatus:
    for event in reversed(events):
        if event.status != IntroductionStatus.stalled:
            return IntroductionStatus(event.status)
    return IntroductionStatus.suggested


def allowed(events: Sequence[IntroductionEvent]) -> set[IntroductionStatus]:
    """The statuses the next event may carry, given the events so far."""
    status = current_status(events)
    if status is None:
        return {IntroductionStatus.suggested, IntroductionStatus.introduced}
    if status in FINAL:
        return set()
    if status == IntroductionStatus.stalled:
        stage = _stage_before_stall(events)
        after = FORWARD[FORWARD.index(stage) + 1]
        return {stage, after, IntroductionStatus.declined} - {IntroductionStatus.suggested}
    return {FORWARD[FORWARD.index(status) + 1], IntroductionStatus.declined,
            IntroductionStatus.stalled}


def check_transition(events: Sequence[IntroductionEvent], status: IntroductionStatus, on: date,
                     decline_reason: DeclineReason | None = None) -> None:
    """Raise TransitionError with a clear message unless `status` may follow `events` on `on`."""
    current = current_status(events)
    ok = allowed(events)
    if status not in ok:
        options = ", ".join(sorted(ok)) or "none (the introduction is closed)"
        raise TransitionError(f"cannot change status from {current or 'nothing'} to {status}; "
                              f"allowed: {options}")
    if status == IntroductionStatus.declined and decline_reason is None:
        raise TransitionError("a decline needs a reason: "
                              + ", ".join(r.value for r in DeclineReason))
    if status != IntroductionStatus.declined and decline_reason is not None:
        raise TransitionError("only a decline takes a decline reason")
    if events and on < events[-1].happened_on:
        raise TransitionError(f"{on} is before the last status change "
                              f"({events[-1].happened_on})")


def events_of(session: Session, introduction_id: int) -> list[IntroductionEvent]:
    """The events of an introduction in the order they were appended."""
    query = (select(IntroductionEvent)
             .where(IntroductionEvent.introduction_id == introduction_id)
             .order_by(IntroductionEvent.id))  # type: ignore[arg-type]
    return list(session.exec(query).all())


def change_status(session: Session, introduction: Introduction, status: IntroductionStatus,
                  *, on: date, actor: str, note: str = "",
                  decline_reason: DeclineReason | None = None) -> IntroductionEvent:
    """Append a status change after checking it; the caller commits."""
    assert introduction.id is not None, "flush the introduction first"
    events = events_of(session, introduction.id)
    check_transition(events, status, on, decline_reason)
    event = IntroductionEvent(introduction_id=introduction.id, status=status, happened_on=on,
                              actor=actor, note=note, decline_reason=decline_reason)
    session.add(event)
    if status == IntroductionStatus.introduced and introduction.introduced_on is None:
        introduction.introduced_on = on
        session.add(introduction)
    session.flush()
    return event


def status_of(session: Session, introduction: Introduction) -> IntroductionStatus:
    """The derived current status of a stored introduction."""
    assert introduction.id is not None
    return current_status(events_of(session, introduction.id)) or IntroductionStatus.suggested
