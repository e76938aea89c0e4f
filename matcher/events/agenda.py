"""Agendas: each participant's meetings as CSV, iCalendar (.ics) and printable HTML, and the
organiser's grid of slots × tables."""

import csv
import io
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from html import escape

from sqlmodel import Session

from matcher.auth.policy import Hidden, Policy
from matcher.events.models import Event, Meeting, MeetingStatus, Participant, ParticipantKind
from matcher.events.service import meetings, participants
from matcher.ingest.spreadsheet import safe_cell
from matcher.models import Dossier

PLACED = (MeetingStatus.scheduled, MeetingStatus.held, MeetingStatus.no_show)
_CSS = ("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #555;padding:4px 6px;text-align:left;vertical-align:top;"
        "font-size:11pt}th{background:#eee}@media print{body{margin:0}"
        "tr{page-break-inside:avoid}}")


@dataclass
class AgendaItem:
    slot: int
    start: datetime
    end: datetime
    table: int
    counterpart: str
    organisation: str
    topic: str
    score: float
    meeting_id: int


def slot_times(event: Event, slot: int) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(event.slot_starts[slot - 1])
    return start, start + timedelta(minutes=event.meeting_minutes)


def _topic(session: Session, person: Participant, policy: Policy) -> str:
    """What the participant brings: its dossier's title, or its need's title as the caller may
    see the need (anonymised, or nothing when hidden)."""
    if person.kind == ParticipantKind.supplier and person.dossier_id is not None:
        dossier = session.get(Dossier, person.dossier_id)
        return dossier.title if dossier else ""
    try:
        need = policy.need(session, person.need_id)
    except Hidden:
        return ""
    # anonymised before it is cut, so that no half of a name is left
    return policy.shown(session, need, need.title or need.problem)[:120]


def agenda(session: Session, event: Event, person: Participant,
           *, policy: Policy) -> list[AgendaItem]:
    """The participant's placed meetings in time order, with whom and about what."""
    assert event.id is not None
    people = {p.id: p for p in participants(session, event.id)}
    items = []
    for meeting in meetings(session, event.id, *PLACED):
        ids = (meeting.supplier_participant_id, meeting.enterprise_participant_id)
        if person.id not in ids or meeting.slot is None or meeting.table is None:
            continue
        other = people[ids[1] if ids[0] == person.id else ids[0]]
        start, end = slot_times(event, meeting.slot)
        items.append(AgendaItem(meeting.slot, start, end, meeting.table, other.name,
                                other.organisation, _topic(session, other, policy),
                                meeting.score,
                                meeting.id or 0))
    return sorted(items, key=lambda item: item.slot)


def agenda_csv(items: list[AgendaItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["slot", "start", "end", "table", "counterpart", "organisation", "topic",
                     "score", "meeting_id"])
    for item in items:
        row = asdict(item)
        row["start"] = item.start.isoformat(timespec="minutes")
        row["end"] = item.end.isoformat(timespec="minutes")
        writer.writerow([safe_cell(v) for v in row.values()])
    return out.getvalue()


def agenda_ics(event: Event, person: Participant, items: list[AgendaItem]) -> bytes:
    """An iCalendar file, one VEVENT per meeting, in the event's time zone (with its
    VTIMEZONE, so calendars that do not know the zone's name still place the times)."""
    try:
        from icalendar import Calendar
        from icalendar import Event as CalendarEvent
    except ImportError as exc:
        raise RuntimeError("install icalendar to export agendas as .ics "
                           "(pip install icalendar)") from exc
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//KetNoi//events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{event.name} – {person.name}")
    for item in items:
        entry = CalendarEvent()
        entry.add("uid", f"ketnoi-event{event.id}-meeting{item.meeting_id}-p{person.id}")
        entry.add("dtstamp", item.start.replace(tzinfo=zone))
        entry.add("dtstart", item.start.replace(tzinfo=zone))
        entry.add("dtend", item.end.replace(tzinfo=zone))
        entry.add("summary", f"B2B: {item.counterpart}" +
                  (f" ({item.organisation})" if item.organisation else ""))
        entry.add("location", f"{event.venue}, table {item.table}".lstrip(", "))
        entry.add("description", item.topic)
        calendar.add_component(entry)
    calendar.add_missing_timezones()  # a VTIMEZONE for the TZID of every time
    return calendar.to_ical()


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
            f"<body><h1>{escape(title)}</h1>{body}</body></html>")


def agenda_html(event: Event, person: Participant, items: list[AgendaItem]) -> str:
    """A printable page: one row per meeting."""
    rows = "".join(
        f"<tr><td>{item.slot}</td><td>{item.start:%d/%m %H:%M}–{item.end:%H:%M}</td>"
        f"<td>{item.table}</td><td>{escape(item.counterpart)}</td>"
        f"<td>{escape(item.organisation)}</td><td>{escape(item.topic)}</td></tr>"
        for item in items)
    body = (f"<p>{escape(person.name)} · {escape(person.organisation)} · "
            f"{escape(event.venue)}</p><table><tr><th>Slot</th><th>Time</th><th>Table</th>"
            f"<th>Meeting with</th><th>Organisation</th><th>Topic</th></tr>{rows}</table>"
            if items else "<p>No meetings scheduled.</p>")
    return _page(f"{event.name} – {person.name}", body)


def grid(session: Session, event: Event) -> list[list[str]]:
    """Rows per slot, one cell per table: `supplier ↔ enterprise` or empty."""
    assert event.id is not None
    people = {p.id: p for p in participants(session, event.id)}
    cells = [[""] * event.table_count for _ in event.slot_starts]
    placed: list[Meeting] = meetings(session, event.id, *PLACED)
    for meeting in placed:
        if meeting.slot is not None and meeting.table is not None:
            cells[meeting.slot - 1][meeting.table - 1] = (
                f"{people[meeting.supplier_participant_id].name} ↔ "
                f"{people[meeting.enterprise_participant_id].name}")
    return cells


def grid_csv(event: Event, cells: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["slot", "start"] + [f"table {t}" for t in range(1, event.table_count + 1)])
    for number, row in enumerate(cells, start=1):
        writer.writerow([number, event.slot_starts[number - 1], *(safe_cell(c) for c in row)])
    return out.getvalue()


def grid_html(event: Event, cells: list[list[str]]) -> str:
    head = "".join(f"<th>{t}</th>" for t in range(1, event.table_count + 1))
    rows = "".join(
        f"<tr><th>{n} · {slot_times(event, n)[0]:%H:%M}</th>"
        + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
        for n, row in enumerate(cells, start=1))
    return _page(f"{event.name} – slots × tables",
                 f"<table><tr><th>Slot</th>{head}</tr>{rows}</table>")
