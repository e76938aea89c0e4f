"""The event schemas refuse what would make an event unusable or its exports unbounded: a time
zone that does not exist, more slots than any event has, a grid of slots × tables too big to
draw, and slot lists beyond the grid; repeated slot numbers are dropped."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from matcher.events.importer import parse_slots
from matcher.events.models import EventCreate, ParticipantCreate, ParticipantUpdate
from matcher.models.limits import MAX_GRID, MAX_SLOTS
from tests.matcher.events.world import event_payload


def errors_at(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return [e["msg"] for e in exc.value.errors() if e["loc"][:1] == (field,)]


def slot_starts(count: int) -> list[str]:
    """`count` back-to-back 10-minute slots from 2026-11-24 00:00."""
    first = datetime(2026, 11, 24)
    return [(first + timedelta(minutes=10 * i)).isoformat(timespec="minutes")
            for i in range(count)]


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Asia/Seoul", "Europe/Berlin", "UTC"])
def test_a_real_iana_time_zone_is_accepted(zone: str):
    assert EventCreate.model_validate(event_payload(timezone=zone)).timezone == zone


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Asia/Hanoi ", "", "../../etc/passwd",
                                  "GMT+7", "asia/ho_chi_minh"])
def test_an_unknown_time_zone_is_refused_naming_the_field(zone: str):
    with pytest.raises(ValidationError) as exc:
        EventCreate.model_validate(event_payload(timezone=zone))
    assert errors_at(exc, "timezone") == [
        f"Value error, '{zone}' is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)"]


def test_more_slots_than_an_event_has_are_refused():
    payload = event_payload(meeting_minutes=10, ends_on="2026-11-27",
                            slot_starts=slot_starts(MAX_SLOTS + 1),
                            table_count=1)
    with pytest.raises(ValidationError) as exc:
        EventCreate.model_validate(payload)
    assert errors_at(exc, "slot_starts") == [
        f"List should have at most {MAX_SLOTS} items after validation, not {MAX_SLOTS + 1}"]


def test_a_grid_beyond_the_limit_is_refused_naming_the_table_count():
    payload = event_payload(meeting_minutes=10, ends_on="2026-11-27",
                            slot_starts=slot_starts(MAX_SLOTS),
                            table_count=MAX_GRID // MAX_SLOTS + 1)
    with pytest.raises(ValidationError) as exc:
        EventCreate.model_validate(payload)
    assert errors_at(exc, "table_count") == [
        f"Value error, {MAX_SLOTS} slots × {MAX_GRID // MAX_SLOTS + 1} tables is more than "
        f"{MAX_GRID:,} meeting places: use fewer tables or slots"]


def test_the_largest_grid_allowed_is_accepted():
    payload = event_payload(meeting_minutes=10, ends_on="2026-11-27",
                            slot_starts=slot_starts(MAX_SLOTS),
                            table_count=MAX_GRID // MAX_SLOTS)
    assert len(EventCreate.model_validate(payload).slot_starts) == MAX_SLOTS


def supplier(**fields: Any) -> dict[str, Any]:
    return {"ref": "S1", "kind": "supplier", "name": "Supplier", "dossier_id": 1, **fields}


def test_repeated_slot_numbers_are_dropped_keeping_their_order():
    person = ParticipantCreate.model_validate(supplier(available_slots=[3, 1, 3, 3, 1, 2]))
    assert person.available_slots == [3, 1, 2]
    assert ParticipantUpdate(available_slots=[2, 2]).available_slots == [2]


@pytest.mark.parametrize("slots", [[MAX_SLOTS + 1], [1] * (MAX_SLOTS + 1)])
def test_slot_numbers_beyond_any_event_are_refused(slots: list[int]):
    with pytest.raises(ValidationError) as exc:
        ParticipantCreate.model_validate(supplier(available_slots=slots))
    assert errors_at(exc, "available_slots")


def test_a_slot_range_in_a_file_is_bounded_before_it_is_expanded():
    assert parse_slots("1-4, 7") == [1, 2, 3, 4, 7]
    with pytest.raises(ValueError, match=f"slot numbers run from 1 to {MAX_SLOTS}"):
        parse_slots("1-1000000000000")
