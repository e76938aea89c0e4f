"""The independent checker catches each kind of violation, with a message that names it."""

from matcher.events.checker import check_pairing, check_schedule

SLOTS = [1, 2, 3]


def test_valid_schedule_has_no_violations() -> None:
    placed = [(0, 10, 1, 1), (1, 11, 1, 2), (0, 11, 2, 1)]
    assert check_schedule(placed, SLOTS, 2, {0: [1, 2]}, {(0, 10): (1, 1)}, {0: 2}) == []


def test_double_booking_is_caught() -> None:
    problems = check_schedule([(0, 10, 1, 1), (0, 11, 1, 2)], SLOTS, 2)
    assert problems == ["participant 0 is in 2 meetings in slot 1"]


def test_table_clash_and_range_are_caught() -> None:
    problems = check_schedule([(0, 10, 1, 1), (1, 11, 1, 1), (2, 12, 4, 3)], SLOTS, 2)
    assert problems == ["meeting (2, 12) in unknown slot 4",
                        "meeting (2, 12) at table 3, outside 1..2",
                        "table 1 in slot 1 holds 2 meetings"]


def test_availability_cap_and_repeat_are_caught() -> None:
    problems = check_schedule([(0, 10, 1, 1), (0, 10, 2, 1)], SLOTS, 2, {10: [2]}, caps={0: 1})
    assert problems == ["participant 10 is not available in slot 1",
                        "pair (0, 10) meets 2 times",
                        "participant 0 has 2 meetings, cap 1"]


def test_moved_or_missing_locked_meeting_is_caught() -> None:
    problems = check_schedule([(0, 10, 2, 1)], SLOTS, 2, locked={(0, 10): (1, None),
                                                                 (1, 11): (3, 1)})
    assert problems == ["locked meeting (0, 10) moved from slot 1 table None to slot 2 table 1",
                        "locked meeting (1, 11) is missing"]


def test_pairing_violations_are_caught() -> None:
    candidates = [(0, 10, 0.9), (0, 11, 0.1), (1, 10, 0.5)]
    problems = check_pairing([(0, 10), (0, 10), (0, 11), (2, 12)], candidates, {0: 1},
                             required=[(1, 10)], min_score=0.2, total_cap=2)
    assert problems == ["pair (0, 10) chosen 2 times",
                        "pair (0, 11) scores 0.1000 < minimum 0.2",
                        "pair (2, 12) is not a candidate",
                        "required pair (1, 10) is missing",
                        "participant 0 has 2 meetings, cap 1",
                        "3 meetings exceed the total of 2"]
