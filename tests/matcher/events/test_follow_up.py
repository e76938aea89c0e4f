"""A meeting's six-month follow-up moves the introduction the held meeting became, by the
pipeline's own rules; a move the pipeline or the caller's rights do not allow is reported."""

from datetime import date

import pytest
from sqlmodel import Session, select

from matcher.auth.keys import Principal
from matcher.auth.models import AuditEntry, Role
from matcher.auth.policy import SYSTEM, Policy
from matcher.events import outcomes
from matcher.events.follow_up import steps
from matcher.events.models import (
    FollowUp,
    Meeting,
    MeetingFollowUp,
    MeetingOutcome,
    MeetingRating,
    MeetingStatus,
)
from matcher.ledger.models import (
    DeclineReason,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
)
from matcher.ledger.pipeline import events_of, status_of
from matcher.ledger.service import set_status
from tests.matcher.events.world import World


@pytest.fixture
def held(db: Session, meeting: Meeting) -> Meeting:
    """A meeting held at the event (on 2026-11-24), carried to the ledger as `introduced`."""
    row = meeting
    outcomes.record_outcome(db, row, MeetingOutcome(
        status=MeetingStatus.held, rating=MeetingRating.cooperation_possible), policy=SYSTEM)
    db.commit()
    assert row.introduction_id is not None
    return row


def follow(db: Session, meeting: Meeting, step: FollowUp, policy: Policy = SYSTEM):
    move = outcomes.record_follow_up(db, meeting, MeetingFollowUp(follow_up=step), policy=policy)
    db.commit()
    return move


def statuses(db: Session, meeting: Meeting) -> list[str]:
    return [str(e.status) for e in events_of(db, meeting.introduction_id)]


def test_negotiation_started_moves_the_introduction_through_each_stage(db: Session,
                                                                       held: Meeting) -> None:
    move = follow(db, held, FollowUp.negotiation_started)
    assert (move.status, move.recorded, move.message) == (
        IntroductionStatus.negotiating,
        [IntroductionStatus.interested, IntroductionStatus.negotiating], "")
    assert statuses(db, held) == ["introduced", "interested", "negotiating"]
    last = events_of(db, held.introduction_id)[-1]
    assert (last.actor, last.note, last.happened_on) == (
        "events", f"follow-up of B2B meeting {held.id}: negotiation_started", date.today())


def test_each_recorded_stage_is_in_the_audit_log(db: Session, held: Meeting) -> None:
    before = len(db.exec(select(AuditEntry).where(
        AuditEntry.table_name == "introductionevent")).all())
    follow(db, held, FollowUp.negotiation_started)
    after = db.exec(select(AuditEntry).where(
        AuditEntry.table_name == "introductionevent")).all()
    assert len(after) - before == 2
    assert [entry.after["status"] for entry in after[-2:]] == ["interested", "negotiating"]


def test_agreement_reached_stops_at_negotiating_and_asks_for_the_contract(
        db: Session, held: Meeting) -> None:
    move = follow(db, held, FollowUp.agreement_reached)
    assert move.status == IntroductionStatus.negotiating
    assert move.message == "record the signed contract on the introduction to count the transfer"
    assert status_of(db, db.get(Introduction, held.introduction_id)) == "negotiating"


def test_no_further_contact_stalls_the_introduction(db: Session, held: Meeting) -> None:
    move = follow(db, held, FollowUp.no_further_contact)
    assert (move.status, move.recorded) == (IntroductionStatus.stalled,
                                            [IntroductionStatus.stalled])


def test_an_introduction_already_further_is_left_where_it_is(db: Session, held: Meeting) -> None:
    intro = db.get(Introduction, held.introduction_id)
    for status in (IntroductionStatus.interested, IntroductionStatus.negotiating):
        set_status(db, intro, status, on=date.today(), actor="broker")
    db.commit()
    move = follow(db, held, FollowUp.negotiation_started)
    assert (move.status, move.recorded) == (IntroductionStatus.negotiating, [])
    assert move.message == f"introduction {intro.id} is already negotiating"
    assert statuses(db, held) == ["introduced", "interested", "negotiating"]


def test_a_declined_introduction_is_not_moved_and_the_reason_is_given(db: Session,
                                                                      held: Meeting) -> None:
    intro = db.get(Introduction, held.introduction_id)
    set_status(db, intro, IntroductionStatus.declined, on=date.today(), actor="broker",
               decline_reason=DeclineReason.cost)
    db.commit()
    move = follow(db, held, FollowUp.negotiation_started)
    assert (move.status, move.recorded) == (IntroductionStatus.declined, [])
    assert move.message == (f"introduction {intro.id} was not moved: cannot change status from "
                            "declined to introduced; allowed: none (the introduction is closed)")
    assert statuses(db, held) == ["introduced", "declined"]
    assert held.follow_up == FollowUp.negotiation_started  # the follow-up itself is kept


def test_a_move_the_pipeline_refuses_midway_writes_nothing(db: Session, held: Meeting) -> None:
    """The last status change is dated after today: the first step would pass, the rest not;
    nothing is written."""
    intro = db.get(Introduction, held.introduction_id)
    db.add(IntroductionEvent(introduction_id=intro.id, status=IntroductionStatus.stalled,
                             happened_on=date(2099, 1, 1), actor="broker"))
    db.commit()
    move = follow(db, held, FollowUp.negotiation_started)
    assert move.recorded == [] and "is before the last status change (2099-01-01)" in move.message
    assert statuses(db, held) == ["introduced", "stalled"]


def test_a_caller_who_may_not_write_that_ledger_is_told(db: Session, held: Meeting) -> None:
    elsewhere = Policy(Principal(role=Role.intermediary, jurisdiction="HP", org="HP brokers"))
    move = follow(db, held, FollowUp.negotiation_started, policy=elsewhere)
    assert move.recorded == [] and move.message.startswith("the introduction was not moved: ")
    assert statuses(db, held) == ["introduced"]


def test_a_meeting_without_an_introduction_says_so(db: Session, world: World,
                                                   held: Meeting) -> None:
    held.introduction_id = None
    move = follow(db, held, FollowUp.negotiation_started)
    assert (move.status, move.message) == (None, "the meeting has no introduction in the ledger")


@pytest.mark.parametrize(("history", "target", "expected"), [
    ([], IntroductionStatus.negotiating, ["introduced", "interested", "negotiating"]),
    (["introduced"], IntroductionStatus.negotiating, ["interested", "negotiating"]),
    (["introduced", "interested", "stalled"], IntroductionStatus.negotiating,
     ["interested", "negotiating"]),
    (["introduced", "interested", "negotiating", "transferred"],
     IntroductionStatus.negotiating, []),
    (["introduced"], IntroductionStatus.stalled, ["stalled"]),
    (["introduced", "stalled"], IntroductionStatus.stalled, []),
])
def test_steps_to_a_target(history, target, expected) -> None:
    events = [IntroductionEvent(introduction_id=1, status=s, happened_on=date(2026, 1, 1),
                                actor="t") for s in history]
    assert [str(s) for s in steps(events, target)] == expected
