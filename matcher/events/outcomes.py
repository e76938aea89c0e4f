"""Meeting outcomes: held or no-show, the rating right after, the six-month follow-up, and
the hand-over of held meetings to the introductions ledger (giới thiệu).

A held meeting whose supplier shows a foreign dossier (origin outside Vietnam) is recorded as
an introduction (channel `event`) of that dossier to the enterprise, and the introduction's id
is stored on the meeting; its six-month follow-up moves that introduction (`follow_up`). An
outcome is recorded once the meeting's slot has begun, never before. Nothing here commits: the
caller does.
"""

import logging
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlmodel import Session

from matcher.auth.policy import Hidden, Policy, Refused
from matcher.events.agenda import slot_times
from matcher.events.follow_up import LedgerMove, carry_follow_up
from matcher.events.models import (
    Event,
    FollowUp,
    Meeting,
    MeetingFollowUp,
    MeetingOutcome,
    MeetingRating,
    MeetingStatus,
    Participant,
)
from matcher.events.service import meetings
from matcher.ledger.service import record_introduction
from matcher.models import Dossier

log = logging.getLogger(__name__)


class OutcomeError(ValueError):
    """An outcome that does not fit the meeting's state."""


class OutcomeSummary(BaseModel):
    meetings: int
    by_status: dict[str, int]
    by_rating: dict[str, int]
    by_follow_up: dict[str, int]
    introductions: int
    held_rate: float
    cooperation_rate: float


def on_meeting_held(session: Session, meeting: Meeting, *, policy: Policy) -> int | None:
    """Record a held meeting as an introduction (channel `event`) of the supplier's dossier to the
    enterprise; returns the introduction id, or None when the dossier is domestic or `policy`
    may not write the ledger of the enterprise's jurisdiction (or see its need): the meeting
    stays held, and that province's brokers introduce it."""
    if meeting.introduction_id is not None:
        return meeting.introduction_id
    supplier = session.get(Participant, meeting.supplier_participant_id)
    enterprise = session.get(Participant, meeting.enterprise_participant_id)
    dossier = session.get(Dossier, supplier.dossier_id) if supplier and supplier.dossier_id \
        else None
    if dossier is None or dossier.id is None or dossier.origin_country == "VN" \
            or enterprise is None or enterprise.enterprise_id is None:
        return None
    event = session.get(Event, meeting.event_id)
    on = slot_times(event, meeting.slot)[0].date() if event and meeting.slot else None
    try:
        if enterprise.need_id is not None:
            policy.need(session, enterprise.need_id)  # a need hidden from the caller: not carried
        introduction = record_introduction(
            session, dossier_id=dossier.id, enterprise_id=enterprise.enterprise_id,
            need_id=enterprise.need_id, channel="event", on=on, policy=policy,
            note=f"B2B meeting {meeting.id} at event {meeting.event_id}")
    except (Refused, Hidden) as exc:
        log.info("meeting %s not carried to the ledger: %s", meeting.id, exc)
        return None
    except ValueError as exc:
        raise OutcomeError(f"the introductions ledger refused meeting {meeting.id}: {exc}") from exc
    meeting.introduction_id = introduction.id
    return meeting.introduction_id


def check_begun(session: Session, meeting: Meeting, moment: datetime | None = None) -> None:
    """OutcomeError unless the meeting's slot has begun at `moment` (default now): a meeting
    is not held, nor missed, before the event."""
    event = session.get(Event, meeting.event_id)
    if event is None or meeting.slot is None:
        return
    start = slot_times(event, meeting.slot)[0].replace(tzinfo=ZoneInfo(event.timezone))
    if (moment or datetime.now(UTC)) < start:
        raise OutcomeError(f"meeting {meeting.id} starts {start:%Y-%m-%d %H:%M} "
                           f"({event.timezone}): its outcome can be recorded from then on, "
                           "not before")


def record_outcome(session: Session, meeting: Meeting, outcome: MeetingOutcome,
                   *, policy: Policy, moment: datetime | None = None) -> Meeting:
    """Held or no-show and the rating, at `moment` (default now, not before the meeting's
    slot); a held meeting goes to the ledger (as `policy` may write it). The caller commits."""
    if meeting.slot is None or meeting.status not in (MeetingStatus.scheduled,
                                                      MeetingStatus.held, MeetingStatus.no_show):
        raise OutcomeError(f"meeting {meeting.id} is {meeting.status}, not scheduled")
    check_begun(session, meeting, moment)
    rating = outcome.rating
    if outcome.status == MeetingStatus.no_show:
        if rating not in (None, MeetingRating.did_not_take_place):
            raise OutcomeError("a no-show can only be rated 'did_not_take_place'")
        rating = MeetingRating.did_not_take_place
    elif rating == MeetingRating.did_not_take_place:
        raise OutcomeError("a held meeting cannot be rated 'did_not_take_place'")
    meeting.status, meeting.rating = outcome.status, rating
    meeting.rated_at = moment or datetime.now(UTC)
    if outcome.notes:
        meeting.notes = outcome.notes
    session.add(meeting)
    if meeting.status == MeetingStatus.held:
        on_meeting_held(session, meeting, policy=policy)
    return meeting


def record_follow_up(session: Session, meeting: Meeting, body: MeetingFollowUp,
                     *, policy: Policy, actor: str = "events") -> LedgerMove:
    """The six-month follow-up, for held meetings only; it moves the meeting's introduction
    when the pipeline allows and `policy` writes it (what happened is returned). The caller
    commits."""
    if meeting.status != MeetingStatus.held:
        raise OutcomeError(f"meeting {meeting.id} was not held; no follow-up")
    meeting.follow_up, meeting.follow_up_at = body.follow_up, datetime.now(UTC)
    session.add(meeting)
    return carry_follow_up(session, meeting, policy=policy, actor=actor)


def summarise(session: Session, event_id: int) -> OutcomeSummary:
    """Counts by status, rating and follow-up, and the shares organisers report."""
    rows = meetings(session, event_id)
    status = Counter(str(m.status) for m in rows)
    rating = Counter(str(m.rating) for m in rows if m.rating)
    follow = Counter(str(m.follow_up) for m in rows if m.follow_up)
    held = status[MeetingStatus.held]
    met = held + status[MeetingStatus.no_show]
    agreed = rating[MeetingRating.cooperation_possible]
    return OutcomeSummary(
        meetings=len(rows), by_status=dict(status), by_rating=dict(rating),
        by_follow_up={k: follow.get(k, 0) for k in FollowUp},
        introductions=sum(1 for m in rows if m.introduction_id is not None),
        held_rate=round(held / met, 4) if met else 0.0,
        cooperation_rate=round(agreed / held, 4) if held else 0.0,
    )
