"""Pairing and scheduling a stored event: kept meetings, requests, cancellations, the checker."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from matcher.events.models import (
    Meeting,
    MeetingRequest,
    MeetingSource,
    MeetingStatus,
    RequestStatus,
)
from matcher.events.pairing import Pair
from matcher.events.service import (
    check_event,
    expire_requests,
    meetings,
    now,
    pair_event,
    schedule_event,
)
from tests.matcher.events.world import World, build_world


def all_pairs(world: World, score: float = 0.5) -> list[Pair]:
    return [Pair(s.id, e.id, score + 0.01 * (s.id + e.id)) for s in world.suppliers
            for e in world.enterprises]


def keys(rows: list[Meeting]) -> set[tuple[int, int]]:
    return {(m.supplier_participant_id, m.enterprise_participant_id) for m in rows}


def test_pair_then_schedule_passes_the_checker(db: Session, world: World) -> None:
    report = pair_event(db, world.event, all_pairs(world))
    assert report.meetings == 8  # 4 slots × 2 tables
    assert report.gap == pytest.approx(0.0, abs=1e-6)
    schedule = schedule_event(db, world.event)
    assert schedule.violations == []
    assert schedule.placed == 8
    assert check_event(db, world.event) == []


def test_locked_meeting_is_kept_by_pairing_and_never_moved(db: Session, world: World) -> None:
    s, e = world.suppliers[0], world.enterprises[3]
    db.add(Meeting(event_id=world.event.id, supplier_participant_id=s.id,
                   enterprise_participant_id=e.id, slot=3, table=2, locked=True,
                   source=MeetingSource.organiser))
    db.commit()
    pair_event(db, world.event, all_pairs(world, 0.9))
    schedule_event(db, world.event)
    pair_event(db, world.event, all_pairs(world, 0.9))
    schedule_event(db, world.event)
    locked = [m for m in meetings(db, world.event.id) if m.locked]
    assert [(m.slot, m.table, m.status) for m in locked] == [(3, 2, MeetingStatus.scheduled)]
    assert check_event(db, world.event) == []


def test_accepted_request_is_kept_and_expired_one_is_not(db: Session, world: World) -> None:
    s0, s1 = world.suppliers[:2]
    e0, e1 = world.enterprises[:2]
    db.add(MeetingRequest(event_id=world.event.id, requester_id=e0.id, target_id=s0.id,
                          status=RequestStatus.accepted))
    stale = MeetingRequest(event_id=world.event.id, requester_id=s1.id, target_id=e1.id,
                           expires_at=now() - timedelta(hours=1))
    db.add(stale)
    db.commit()
    # the requested pair has no candidate score at all, yet it is kept
    pair_event(db, world.event, [p for p in all_pairs(world) if (p.supplier, p.enterprise)
                                 != (s0.id, e0.id)], min_score=0.55)
    rows = {(m.supplier_participant_id, m.enterprise_participant_id): m
            for m in meetings(db, world.event.id)}
    assert rows[(s0.id, e0.id)].source == MeetingSource.request
    db.refresh(stale)
    assert stale.status == RequestStatus.expired


def test_expire_requests_leaves_unexpired_ones(db: Session, world: World) -> None:
    db.add(MeetingRequest(event_id=world.event.id, requester_id=world.suppliers[0].id,
                          target_id=world.enterprises[0].id,
                          expires_at=now() + timedelta(days=1)))
    db.commit()
    assert expire_requests(db, world.event.id) == 0


def test_cancelled_pair_is_never_proposed_again(db: Session, world: World) -> None:
    s, e = world.suppliers[0], world.enterprises[0]
    db.add(Meeting(event_id=world.event.id, supplier_participant_id=s.id,
                   enterprise_participant_id=e.id, status=MeetingStatus.cancelled))
    db.commit()
    pair_event(db, world.event, [Pair(s.id, e.id, 0.99)] + all_pairs(world, 0.1))
    planned = [m for m in meetings(db, world.event.id) if m.status == MeetingStatus.planned]
    assert (s.id, e.id) not in keys(planned)


def test_caps_follow_availability(db: Session) -> None:
    world = build_world(db, suppliers=1, enterprises=4, slots=4, tables=4, max_meetings=4)
    world.suppliers[0].available_slots = [2, 3]
    db.add(world.suppliers[0])
    db.commit()
    report = pair_event(db, world.event, all_pairs(world))
    assert report.meetings == 2
    assert schedule_event(db, world.event).dropped == []


def test_pairs_with_no_common_slot_are_not_candidates(db: Session) -> None:
    world = build_world(db, suppliers=1, enterprises=1)
    world.suppliers[0].available_slots = [1]
    world.enterprises[0].available_slots = [2]
    db.add_all([world.suppliers[0], world.enterprises[0]])
    db.commit()
    assert pair_event(db, world.event, all_pairs(world)).meetings == 0


def test_conflicting_locks_raise(db: Session, world: World) -> None:
    s = world.suppliers[0]
    for e in world.enterprises[:2]:
        db.add(Meeting(event_id=world.event.id, supplier_participant_id=s.id,
                       enterprise_participant_id=e.id, slot=1, locked=True))
    db.commit()
    with pytest.raises(ValueError, match="has another locked meeting then"):
        schedule_event(db, world.event)


def test_trial_schedule_swaps_unschedulable_meetings_for_ones_that_fit(db: Session) -> None:
    world = build_world(db, suppliers=2, enterprises=2, slots=2, tables=2, max_meetings=2)
    s0, s1 = world.suppliers
    e0, e1 = world.enterprises
    for person, slots in ((e0, [1]), (e1, [1])):
        person.available_slots = slots
        db.add(person)
    db.commit()
    # s0–e0 and s0–e1 can both only be in slot 1, so s0 can hold one of them; the other's
    # place goes to the best candidate that fits, s1–e1.
    report = pair_event(db, world.event, [Pair(s0.id, e0.id, 0.9), Pair(s0.id, e1.id, 0.8),
                                          Pair(s1.id, e1.id, 0.3)])
    assert [(d.enterprise_participant_id, d.reason) for d in report.unschedulable] == [
        (e1.id, "over_capacity")]
    assert report.optimum == pytest.approx(1.7)
    assert (report.meetings, report.backfilled) == (2, 1)
    assert report.total_score == pytest.approx(1.2)
    assert schedule_event(db, world.event).violations == []


def test_greedy_pairing_reports_no_bound(db: Session, world: World) -> None:
    report = pair_event(db, world.event, all_pairs(world), greedy=True)
    assert (report.bound, report.gap, report.solver) == (None, None, "greedy")


def test_declined_request_is_never_paired_even_at_the_best_score(db: Session,
                                                                 world: World) -> None:
    s, e = world.suppliers[0], world.enterprises[0]
    db.add(MeetingRequest(event_id=world.event.id, requester_id=e.id, target_id=s.id,
                          status=RequestStatus.declined, responded_at=now()))
    db.commit()
    report = pair_event(db, world.event, [Pair(s.id, e.id, 0.99)] + all_pairs(world, 0.5))
    assert report.meetings > 0
    assert (s.id, e.id) not in keys(meetings(db, world.event.id))


def test_the_latest_answer_of_a_pair_decides(db: Session, world: World) -> None:
    """Declined once, then the other side asked and it was accepted: the meeting is kept."""
    s, e = world.suppliers[0], world.enterprises[0]
    db.add(MeetingRequest(event_id=world.event.id, requester_id=e.id, target_id=s.id,
                          status=RequestStatus.declined, responded_at=now() - timedelta(hours=2)))
    db.add(MeetingRequest(event_id=world.event.id, requester_id=s.id, target_id=e.id,
                          status=RequestStatus.accepted, responded_at=now()))
    db.commit()
    pair_event(db, world.event, all_pairs(world, 0.5))
    rows = {(m.supplier_participant_id, m.enterprise_participant_id): m
            for m in meetings(db, world.event.id)}
    assert rows[(s.id, e.id)].source == MeetingSource.request


def test_pairs_below_the_default_minimum_are_not_booked(db: Session, world: World) -> None:
    from matcher.events.pairing import DEFAULT_MIN_SCORE

    low, high = DEFAULT_MIN_SCORE - 0.05, DEFAULT_MIN_SCORE + 0.05
    s0, s1 = world.suppliers[:2]
    cands = [Pair(s0.id, e.id, high) for e in world.enterprises]
    cands += [Pair(s1.id, e.id, low) for e in world.enterprises]
    pair_event(db, world.event, cands)
    assert {m.supplier_participant_id for m in meetings(db, world.event.id)} == {s0.id}
