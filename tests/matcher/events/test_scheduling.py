"""Scheduling: every output passes the independent checker; König's bound; drops explained."""

import random
from collections import Counter

import pytest

from matcher.events.checker import check_schedule
from matcher.events.pairing import Pair, pair_optimal
from matcher.events.scheduling import backfill, schedule


def meetings_for(rng: random.Random, suppliers: int, enterprises: int, caps: dict) -> list[Pair]:
    cands = [Pair(s, 1000 + e, round(rng.random(), 3))
             for s in range(suppliers) for e in range(enterprises) if rng.random() < 0.3]
    return pair_optimal(cands, caps).chosen


def rows(result) -> list[tuple[int, int, int, int]]:
    return [(p.supplier, p.enterprise, p.slot, p.table) for p in result.placed]


def accounted(meetings: list[Pair], result) -> bool:
    """Every meeting is placed or dropped, exactly once."""
    out = Counter([(p.supplier, p.enterprise) for p in result.placed]
                  + [(d.supplier, d.enterprise) for d in result.dropped])
    return out == Counter((m.supplier, m.enterprise) for m in meetings)


@pytest.mark.parametrize("seed", range(15))
def test_unrestricted_availability_places_everything_in_max_degree_slots(seed: int) -> None:
    rng = random.Random(seed)
    slots = rng.randint(3, 8)
    caps = {n: rng.randint(1, slots) for n in list(range(20)) + list(range(1000, 1060))}
    meetings = meetings_for(rng, 20, 60, caps)
    result = schedule(meetings, list(range(1, slots + 1)), tables=len(meetings))
    assert result.dropped == []
    assert check_schedule(rows(result), range(1, slots + 1), len(meetings), caps=caps) == []
    # König: Δ colours suffice, so only the first Δ slots are ever needed.
    assert result.max_degree <= slots


@pytest.mark.parametrize("seed", range(15))
def test_tight_tables_are_balanced_without_drops(seed: int) -> None:
    rng = random.Random(50 + seed)
    slots = 6
    caps = {n: rng.randint(1, slots) for n in list(range(15)) + list(range(1000, 1040))}
    meetings = meetings_for(rng, 15, 40, caps)
    tables = -(-len(meetings) // slots)  # exactly enough seats in total
    result = schedule(meetings, list(range(1, slots + 1)), tables)
    assert check_schedule(rows(result), range(1, slots + 1), tables) == []
    assert accounted(meetings, result)
    assert len(result.placed) >= len(meetings) - 1


@pytest.mark.parametrize("seed", range(25))
def test_random_availability_and_locks_pass_the_checker(seed: int) -> None:
    rng = random.Random(500 + seed)
    slot_ids = list(range(1, 9))
    people = list(range(12)) + list(range(1000, 1030))
    avail = {n: rng.sample(slot_ids, rng.randint(2, 8)) for n in people if rng.random() < 0.6}
    caps = {n: rng.randint(1, 5) for n in people}
    meetings = meetings_for(rng, 12, 30, caps)
    tables = rng.randint(2, 6)
    locked = {}
    for m in rng.sample(meetings, min(3, len(meetings))):
        first = schedule([], slot_ids, tables, avail, locked)  # validates the locks so far
        taken = {(p.slot, p.table) for p in first.placed}
        busy = {(n, p.slot) for p in first.placed for n in (p.supplier, p.enterprise)}
        options = [(s, t) for s in slot_ids for t in range(1, tables + 1)
                   if (s, t) not in taken and (m.supplier, s) not in busy
                   and (m.enterprise, s) not in busy
                   and s in avail.get(m.supplier, slot_ids)
                   and s in avail.get(m.enterprise, slot_ids)]
        if options:
            locked[(m.supplier, m.enterprise)] = rng.choice(options)
    result = schedule(meetings, slot_ids, tables, avail, locked)
    assert check_schedule(rows(result), slot_ids, tables, avail, locked, caps) == []
    assert accounted(meetings, result)
    assert all(d.reason in {"no_common_slot", "over_capacity", "tables_full", "conflict"}
               and d.message for d in result.dropped)


def test_locked_meeting_never_moves() -> None:
    meetings = [Pair(0, 10, 0.9), Pair(0, 11, 0.8), Pair(1, 10, 0.7), Pair(1, 11, 0.6)]
    locked = {(1, 11): (1, 2)}
    result = schedule(meetings, [1, 2], tables=2, fixed=locked)
    where = {(p.supplier, p.enterprise): (p.slot, p.table) for p in result.placed}
    assert where[(1, 11)] == (1, 2)
    assert result.dropped == []
    assert check_schedule(rows(result), [1, 2], 2, locked=locked) == []


def test_participant_over_capacity_gets_the_drop_reported() -> None:
    meetings = [Pair(0, 10, 0.9), Pair(0, 11, 0.5), Pair(0, 12, 0.7)]
    result = schedule(meetings, [1, 2, 3], tables=5, availability={0: [1, 3]})
    assert [(d.supplier, d.enterprise, d.reason) for d in result.dropped] == [
        (0, 11, "over_capacity")]
    assert result.dropped[0].message == (
        "supplier 0 has 3 meetings but only 2 fit its free slots and its partners' "
        "availability; the lowest-scored were dropped")
    assert sorted(p.slot for p in result.placed) == [1, 3]


def test_partners_availability_counts_toward_over_capacity() -> None:
    # supplier 0 is free all day, but all three partners can only come in slots 1–2
    meetings = [Pair(0, 10, 0.9), Pair(0, 11, 0.5), Pair(0, 12, 0.7)]
    result = schedule(meetings, [1, 2, 3], tables=5,
                      availability={10: [1, 2], 11: [1, 2], 12: [1, 2]})
    assert [(d.enterprise, d.reason) for d in result.dropped] == [(11, "over_capacity")]


def test_no_common_slot_is_reported() -> None:
    result = schedule([Pair(0, 10, 0.5)], [1, 2], tables=1, availability={0: [1], 10: [2]})
    assert result.placed == []
    assert result.dropped[0].reason == "no_common_slot"
    assert result.dropped[0].message == "supplier 0 and enterprise 10 share no free available slot"


def test_more_meetings_than_seats_drops_the_lowest_scored() -> None:
    meetings = [Pair(s, 10 + s, 0.1 * (s + 1)) for s in range(5)]
    result = schedule(meetings, [1, 2], tables=2)
    assert len(result.placed) == 4
    assert [(d.supplier, d.reason) for d in result.dropped] == [(0, "tables_full")]


def test_conflicting_locked_meetings_are_refused() -> None:
    with pytest.raises(ValueError, match="participant 0 has another locked meeting then"):
        schedule([], [1, 2], 3, fixed={(0, 10): (1, None), (0, 11): (1, None)})
    with pytest.raises(ValueError, match="table 2 is taken by another locked meeting"):
        schedule([], [1, 2], 3, fixed={(0, 10): (1, 2), (1, 11): (1, 2)})


def test_supplier_keeps_its_table_when_it_can() -> None:
    meetings = [Pair(0, 10 + i, 0.5) for i in range(3)] + [Pair(1, 20 + i, 0.5) for i in range(3)]
    result = schedule(meetings, [1, 2, 3], tables=2)
    tables = {s: {p.table for p in result.placed if p.supplier == s} for s in (0, 1)}
    assert tables == {0: {1}, 1: {2}}


def test_caps_bound_the_schedule_locked_meetings_included() -> None:
    meetings = [Pair(0, 10, 0.9), Pair(0, 11, 0.5), Pair(0, 12, 0.7)]
    result = schedule(meetings, [1, 2, 3, 4], tables=5, fixed={(0, 13): (4, None)}, caps={0: 3})
    assert [(d.enterprise, d.reason) for d in result.dropped] == [(11, "over_capacity")]
    assert result.dropped[0].message == ("supplier 0 has 3 meetings, more than its maximum of 3; "
                                         "the lowest-scored were dropped")


def test_backfill_uses_seats_freed_by_drops() -> None:
    # enterprise 11 can only come in slot 1, where supplier 0 already meets 10: dropped;
    # the freed seat in slot 2 goes to the best candidate that fits, (1, 12), not (1, 10).
    result = schedule([Pair(0, 10, 0.9), Pair(0, 11, 0.8)], [1, 2], tables=1,
                      availability={10: [1], 11: [1]})
    assert [d.reason for d in result.dropped] == ["over_capacity"]
    candidates = [Pair(1, 10, 0.95), Pair(1, 12, 0.6), Pair(2, 13, 0.5)]
    added = backfill(result, candidates, {1: 1}, [1, 2], 1, {10: [1], 11: [1]})
    assert [(p.supplier, p.enterprise, p.slot, p.table) for p in added] == [(1, 12, 2, 1)]


@pytest.mark.parametrize("seed", range(10))
def test_exactly_max_degree_slots_suffice(seed: int) -> None:
    """König: a bipartite graph is edge-coloured with Δ colours, so Δ slots hold everything."""
    rng = random.Random(900 + seed)
    meetings = list({(s, 1000 + e): Pair(s, 1000 + e, rng.random())
                     for s, e in ((rng.randrange(10), rng.randrange(25)) for _ in range(90))
                     }.values())
    degree = Counter(n for m in meetings for n in (m.supplier, m.enterprise))
    slots = list(range(1, max(degree.values()) + 1))
    result = schedule(meetings, slots, tables=len(meetings))
    assert result.dropped == []
    assert check_schedule(rows(result), slots, len(meetings)) == []
