"""Agendas (CSV, iCalendar, HTML) and the organiser's grid of a scheduled event."""

import csv
import io

import pytest
from icalendar import Calendar
from sqlmodel import Session

from matcher.auth.policy import SYSTEM
from matcher.events import agenda as agendas
from matcher.events.models import Meeting, MeetingStatus
from tests.matcher.events.world import World


@pytest.fixture
def scheduled(db: Session, world: World) -> World:
    s0, s1 = world.suppliers[:2]
    e0, e1 = world.enterprises[:2]
    world.enterprises[1].name = "=HYPERLINK(\"x\")"
    db.add_all([
        Meeting(event_id=world.event.id, supplier_participant_id=s0.id,
                enterprise_participant_id=e0.id, slot=3, table=1, score=0.8,
                status=MeetingStatus.scheduled),
        Meeting(event_id=world.event.id, supplier_participant_id=s0.id,
                enterprise_participant_id=e1.id, slot=1, table=1, score=0.6,
                status=MeetingStatus.scheduled),
        Meeting(event_id=world.event.id, supplier_participant_id=s1.id,
                enterprise_participant_id=e0.id, status=MeetingStatus.dropped),
    ])
    db.commit()
    return world


def test_agenda_lists_placed_meetings_in_time_order(db: Session, scheduled: World) -> None:
    items = agendas.agenda(db, scheduled.event, scheduled.suppliers[0], policy=SYSTEM)
    assert [(i.slot, i.table, i.counterpart) for i in items] == [
        (1, 1, "=HYPERLINK(\"x\")"), (3, 1, "Enterprise 0")]
    assert items[1].start.isoformat() == "2026-11-24T10:15:00"
    assert items[1].topic == "Nhu cầu 0"


def test_agenda_csv_is_spreadsheet_safe(db: Session, scheduled: World) -> None:
    items = agendas.agenda(db, scheduled.event, scheduled.suppliers[0], policy=SYSTEM)
    rows = list(csv.DictReader(io.StringIO(agendas.agenda_csv(items))))
    assert rows[0]["counterpart"] == "'=HYPERLINK(\"x\")"
    assert rows[1]["start"] == "2026-11-24T10:15"


@pytest.mark.parametrize("name", ["\t=HYPERLINK(\"x\")", "\r+cmd", "-1+2", "@SUM(A1)"])
def test_agenda_and_grid_csv_quote_every_formula_start(db: Session, scheduled: World,
                                                       name: str) -> None:
    scheduled.suppliers[0].name = name
    scheduled.enterprises[1].name = name
    db.commit()
    items = agendas.agenda(db, scheduled.event, scheduled.suppliers[0], policy=SYSTEM)
    rows = list(csv.DictReader(io.StringIO(agendas.agenda_csv(items))))
    assert rows[0]["counterpart"] == f"'{name}"
    assert (rows[0]["slot"], rows[0]["score"]) == ("1", "0.6")  # numbers are not quoted
    cells = agendas.grid(db, scheduled.event)
    grid = list(csv.reader(io.StringIO(agendas.grid_csv(scheduled.event, cells))))
    assert grid[1][:3] == ["1", "2026-11-24T09:00", f"'{name} ↔ {name}"]


def test_agenda_ics_has_one_event_per_meeting(db: Session, scheduled: World) -> None:
    person = scheduled.enterprises[0]
    items = agendas.agenda(db, scheduled.event, person, policy=SYSTEM)
    calendar = Calendar.from_ical(agendas.agenda_ics(scheduled.event, person, items))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    start = events[0].decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 15, "Asia/Ho_Chi_Minh")
    assert str(events[0]["summary"]) == "B2B: Supplier 0 (Org 0)"
    assert str(events[0]["location"]) == "Nhà văn hoá tỉnh, table 1"


def test_agenda_html_escapes_and_says_when_empty(db: Session, scheduled: World) -> None:
    person = scheduled.suppliers[0]
    page = agendas.agenda_html(scheduled.event, person,
                               agendas.agenda(db, scheduled.event, person, policy=SYSTEM))
    assert "=HYPERLINK(&quot;x&quot;)" in page
    assert "@media print" in page
    empty = scheduled.suppliers[2]
    assert "No meetings scheduled." in agendas.agenda_html(scheduled.event, empty, [])


def test_grid_has_a_cell_per_slot_and_table(db: Session, scheduled: World) -> None:
    cells = agendas.grid(db, scheduled.event)
    assert len(cells) == 4 and all(len(row) == 2 for row in cells)
    assert cells[2][0] == "Supplier 0 ↔ Enterprise 0"
    assert cells[1] == ["", ""]
    text = agendas.grid_csv(scheduled.event, cells)
    assert text.splitlines()[0] == "slot,start,table 1,table 2"
    assert "<th>3 · 10:15</th>" in agendas.grid_html(scheduled.event, cells)
