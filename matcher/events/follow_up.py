"""A meeting's six-month follow-up moves the introduction the held meeting became.

negotiation_started → negotiating, agreement_reached → negotiating (a transfer needs the signed
contract, recorded on the introduction), no_further_contact → stalled. The pipeline's own rules
decide (`matcher.ledger.pipeline`): a move it does not allow, or one the caller may not write,
is reported and nothing is changed. A forward move through a stage not yet recorded (an
introduction still `introduced` when negotiation started) records each stage in turn, each
one an event of the introduction and an entry in the audit log, as through the API.
"""

from dataclasses import dataclass, field
from datetime import date

from pydantic import Field
from sqlmodel import Session

from matcher.auth.policy import Hidden, Policy, Refused
from matcher.events.models import FollowUp, Meeting, MeetingPublic
from matcher.ledger.models import IntroductionEvent, IntroductionStatus
from matcher.ledger.pipeline import FORWARD, TransitionError, check_transition, events_of
from matcher.ledger.service import set_status

TARGET = {FollowUp.negotiation_started: IntroductionStatus.negotiating,
          FollowUp.agreement_reached: IntroductionStatus.negotiating,
          FollowUp.no_further_contact: IntroductionStatus.stalled}


@dataclass
class LedgerMove:
    """What a follow-up did to the linked introduction: its status after, the statuses
    recorded (empty when none), and why nothing was recorded."""

    introduction_id: int | None = None
    status: IntroductionStatus | None = None
    recorded: list[IntroductionStatus] = field(default_factory=list)
    message: str = ""


class MeetingFollowUpPublic(MeetingPublic):
    """A meeting after its follow-up, with what the follow-up did to its introduction."""

    introduction_status: IntroductionStatus | None = Field(
        None, description="The introduction's status after the follow-up (null: none the "
        "caller may read).")
    introduction_recorded: list[IntroductionStatus] = Field(
        default_factory=list, description="Statuses the follow-up recorded, in order.")
    introduction_message: str = Field(
        "", description="Why the introduction was not moved, or what is left to do.")

    @classmethod
    def of(cls, meeting: Meeting, move: LedgerMove) -> "MeetingFollowUpPublic":
        return cls.model_validate({**meeting.model_dump(), "introduction_status": move.status,
                                   "introduction_recorded": move.recorded,
                                   "introduction_message": move.message})


def steps(events: list[IntroductionEvent], target: IntroductionStatus) -> list[IntroductionStatus]:
    """The statuses to record, in order, to bring an introduction to `target`: none when it is
    there or past it; the forward stages in between for a forward target."""
    current = IntroductionStatus(events[-1].status) if events else IntroductionStatus.suggested
    if target not in FORWARD:
        return [] if current == target else [target]
    if current in FORWARD and FORWARD.index(current) >= FORWARD.index(target):
        return []
    start = FORWARD.index(current) + 1 if current in FORWARD else FORWARD.index(
        next((IntroductionStatus(e.status) for e in reversed(events)
              if e.status in FORWARD), IntroductionStatus.suggested))
    return FORWARD[start:FORWARD.index(target) + 1]


def carry_follow_up(session: Session, meeting: Meeting, *, policy: Policy, actor: str,
                    on: date | None = None) -> LedgerMove:
    """Move the meeting's introduction as its follow-up says, if the pipeline allows every step
    and `policy` writes that introduction's ledger; otherwise a `LedgerMove` saying why, with
    nothing written. The caller commits."""
    if meeting.follow_up is None or meeting.introduction_id is None:
        return LedgerMove(message="the meeting has no introduction in the ledger")
    try:
        introduction = policy.introduction(session, meeting.introduction_id)
        enterprise = policy.enterprise(session, introduction.enterprise_id)
        policy.check_jurisdiction_write(enterprise.jurisdiction, "the ledger")
    except (Hidden, Refused) as exc:
        return LedgerMove(message=f"the introduction was not moved: {exc}")
    assert introduction.id is not None
    on = on or date.today()
    events = events_of(session, introduction.id)
    current = IntroductionStatus(events[-1].status) if events else None
    todo = steps(events, TARGET[FollowUp(meeting.follow_up)])
    trial = list(events)
    try:  # every step checked before the first is written: all or nothing
        for status in todo:
            check_transition(trial, status, on)
            trial.append(IntroductionEvent(introduction_id=introduction.id, status=status,
                                           happened_on=on, actor=actor))
    except TransitionError as exc:
        return LedgerMove(introduction.id, current,
                          message=f"introduction {introduction.id} was not moved: {exc}")
    note = f"follow-up of B2B meeting {meeting.id}: {meeting.follow_up}"
    for status in todo:
        set_status(session, introduction, status, on=on, actor=actor, note=note)
    after = todo[-1] if todo else current
    message = "" if todo else f"introduction {introduction.id} is already {current}"
    if meeting.follow_up == FollowUp.agreement_reached:
        message = (f"{message}; " if message else "") + (
            "record the signed contract on the introduction to count the transfer")
    return LedgerMove(introduction.id, after, list(todo), message)
