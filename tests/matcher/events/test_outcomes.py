"""Outcomes: held or no-show, ratings, six-month follow-up, and the ledger hook."""

from datetime import date

import pytest
from sqlmodel import Session, select

from matcher.auth.policy import SYSTEM
from matcher.events import outcomes
from matcher.events.models import (
    FollowUp,
    Meeting,
    MeetingFollowUp,
    MeetingOutcome,
    MeetingRating,
    MeetingStatus,
)
from matcher.ledger.models import Introduction, IntroductionChannel, IntroductionEvent
from tests.matcher.events.world import World


def introductions(db: Session) -> list[Introduction]:
    """The introductions in the ledger."""
    return list(db.exec(select(Introduction)).all())


def test_held_meeting_becomes_an_introduction(db: Session, world: World,
                                              meeting: Meeting) -> None:
    outcomes.record_outcome(db, meeting, MeetingOutcome(
        status=MeetingStatus.held, rating=MeetingRating.cooperation_possible), policy=SYSTEM)
    [intro] = introductions(db)
    assert meeting.introduction_id == intro.id
    assert (intro.dossier_id, intro.enterprise_id, intro.need_id, intro.channel,
            intro.introduced_on) == (world.dossiers[0].id, world.enterprises[0].enterprise_id,
                                     world.needs[0].id, IntroductionChannel.event,
                                     date(2026, 11, 24))
    [first] = db.exec(select(IntroductionEvent)).all()
    assert first.note == f"B2B meeting {meeting.id} at event {world.event.id}"
    outcomes.record_outcome(db, meeting, MeetingOutcome(status=MeetingStatus.held), policy=SYSTEM)
    assert len(introductions(db)) == 1  # recorded once


def test_domestic_dossier_is_not_an_introduction(db: Session, world: World,
                                                 meeting: Meeting) -> None:
    world.dossiers[0].origin_country = "VN"
    db.add(world.dossiers[0])
    outcomes.record_outcome(db, meeting, MeetingOutcome(status=MeetingStatus.held), policy=SYSTEM)
    assert introductions(db) == [] and meeting.introduction_id is None


def test_no_show_is_rated_did_not_take_place(db: Session, meeting: Meeting) -> None:
    outcomes.record_outcome(db, meeting, MeetingOutcome(status=MeetingStatus.no_show),
                            policy=SYSTEM)
    assert meeting.rating == MeetingRating.did_not_take_place
    assert introductions(db) == []
    with pytest.raises(outcomes.OutcomeError, match="was not held; no follow-up"):
        outcomes.record_follow_up(db, meeting, MeetingFollowUp(
            follow_up=FollowUp.negotiation_started), policy=SYSTEM)


def test_inconsistent_outcomes_are_refused(db: Session, meeting: Meeting) -> None:
    with pytest.raises(outcomes.OutcomeError, match="cannot be rated 'did_not_take_place'"):
        outcomes.record_outcome(db, meeting, MeetingOutcome(
            status=MeetingStatus.held, rating=MeetingRating.did_not_take_place), policy=SYSTEM)
    with pytest.raises(ValueError, match="status must be 'held' or 'no_show'"):
        MeetingOutcome(status=MeetingStatus.cancelled)
    meeting.status, meeting.slot = MeetingStatus.dropped, None
    with pytest.raises(outcomes.OutcomeError, match="is dropped, not scheduled"):
        outcomes.record_outcome(db, meeting, MeetingOutcome(status=MeetingStatus.held),
                                policy=SYSTEM)


def test_follow_up_and_summary(db: Session, world: World, meeting: Meeting) -> None:
    outcomes.record_outcome(db, meeting, MeetingOutcome(
        status=MeetingStatus.held, rating=MeetingRating.cooperation_possible), policy=SYSTEM)
    outcomes.record_follow_up(db, meeting, MeetingFollowUp(follow_up=FollowUp.agreement_reached),
                              policy=SYSTEM)
    db.commit()
    summary = outcomes.summarise(db, world.event.id)
    assert summary.by_status == {"held": 1}
    assert summary.by_follow_up == {"no_further_contact": 0, "negotiation_started": 0,
                                    "agreement_reached": 1}
    assert (summary.introductions, summary.held_rate, summary.cooperation_rate) == (1, 1.0, 1.0)
