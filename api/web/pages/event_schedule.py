"""An event's schedule for organisers and the Department: run the pairing and the scheduling
(the API's own route functions), the slot × table grid, agendas to download (iCalendar, CSV,
printable page) and the outcomes of meetings. What the pages show of participants follows
`event_view` (no enterprise's identity for organisers)."""

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.deps import MatchesDep
from api.downloads import attachment
from api.event_scope import event_member
from api.routes import agendas as agenda_routes
from api.routes import outcomes
from api.routes import schedule as schedule_routes
from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.forms import field_errors
from api.web.i18n import N_
from api.web.pages.event_view import event_view, people_of, slot_label, staff_event
from api.web.pages.events import event_url
from api.web.render import render
from matcher.events import agenda as agendas
from matcher.events.models import Meeting, MeetingFollowUp, MeetingOutcome, Participant
from matcher.events.pairing import DEFAULT_MIN_SCORE

router = APIRouter(include_in_schema=False)
OUTCOME_CONFLICT = N_("Not possible for this meeting now: an outcome needs a scheduled meeting, "
                      "a no-show is rated “did not take place” and a held meeting is not.")
FOLLOW_UP_CONFLICT = N_("A follow-up is for a held meeting only.")
NOT_BEGUN = N_("This meeting has not begun yet: its outcome can be recorded once its slot "
               "starts.")


@router.post("/web/events/{event_id}/pair", name="event_pair")
def event_pair(caller: FormCallerDep, matches: MatchesDep, event_id: int) -> Response:
    """Pair participants by their match scores (locked meetings and accepted requests kept);
    the event page then shows what was made."""
    staff_event(caller, event_id)
    report = schedule_routes.pair_meetings(session=caller.session, matches=matches,
                                           policy=caller.policy, event_id=event_id,
                                           min_score=DEFAULT_MIN_SCORE, limit=50, greedy=False)
    return RedirectResponse(event_url(
        event_id, paired=report.meetings, kept=report.kept, eligible=report.eligible,
        score=round(report.total_score, 3), unschedulable=len(report.unschedulable))
        + "#summary", status_code=303)


@router.post("/web/events/{event_id}/schedule", name="event_schedule")
def event_schedule(caller: FormCallerDep, event_id: int) -> Response:
    """Give each planned meeting a slot and a table; the event page then lists what was left
    out and why."""
    staff_event(caller, event_id)
    try:
        report = schedule_routes.schedule_meetings(session=caller.session,
                                                   policy=caller.policy, event_id=event_id)
    except HTTPException as exc:  # 409: locked meetings contradict each other
        if exc.status_code != 409:
            raise
        return RedirectResponse(event_url(event_id, note="schedule_failed") + "#summary",
                                status_code=303)
    return RedirectResponse(event_url(
        event_id, placed=report.placed, dropped=len(report.dropped),
        violations=len(report.violations)) + "#summary", status_code=303)


def grid_cells(caller: Caller, event_id: int) -> list[list[str]]:
    """The API's grid (`supplier ↔ enterprise` per slot and table), names as the caller may
    read them."""
    grid = agenda_routes.read_grid(session=caller.session, event_id=event_id, format="json")
    _, scrub = people_of(caller, staff_event(caller, event_id))
    return scrub(grid["cells"])


@router.get("/web/events/{event_id}/grid", name="event_grid_page",
            response_class=HTMLResponse)
def event_grid_page(request: Request, caller: CallerDep, event_id: int) -> Response:
    """The slot × table grid of the event."""
    event = staff_event(caller, event_id)
    cells = grid_cells(caller, event_id)
    return render(request, "events/grid.html", caller, event=event, cells=cells,
                  slots=[slot_label(event, n) for n in range(1, len(cells) + 1)])


@router.get("/web/events/{event_id}/agenda/{fmt}", name="agenda_download")
def agenda_download(request: Request, caller: CallerDep, event_id: int,
                    fmt: Literal["ics", "csv", "html"],
                    participant: int | None = None) -> Response:
    """A participant's agenda (iCalendar with its time zone, CSV, printable page) through the
    API's agenda functions; without a participant, the whole event's grid (CSV, printable)."""
    event = staff_event(caller, event_id)
    if participant is None:
        if fmt == "ics":
            raise HTTPException(404, "an iCalendar agenda is per participant")
        cells = grid_cells(caller, event_id)
        if fmt == "csv":
            return PlainTextResponse(agendas.grid_csv(event, cells), media_type="text/csv",
                                     headers={"Content-Disposition":
                                              attachment(f"grid-{event_id}.csv")})
        return render(request, "events/grid.html", caller, event=event, cells=cells,
                      slots=[slot_label(event, n) for n in range(1, len(cells) + 1)],
                      printable=True)
    person = event_member(caller.session, Participant, event_id, participant)
    _, scrub = people_of(caller, event)
    items = [dataclasses.replace(item, counterpart=scrub(item.counterpart),
                                 organisation=scrub(item.organisation))
             for item in agendas.agenda(caller.session, event, person, policy=caller.policy)]
    person = person.model_copy(update={"name": scrub(person.name),
                                       "organisation": scrub(person.organisation)})
    name = f"agenda-{event_id}-{person.ref}"
    if fmt == "csv":
        return PlainTextResponse(agendas.agenda_csv(items), media_type="text/csv",
                                 headers={"Content-Disposition": attachment(f"{name}.csv")})
    if fmt == "ics":
        return Response(agendas.agenda_ics(event, person, items), media_type="text/calendar",
                        headers={"Content-Disposition": attachment(f"{name}.ics")})
    return render(request, "events/agenda.html", caller, event=event, person=person,
                  items=items)


@router.post("/web/events/{event_id}/outcomes", name="outcome_create",
             response_class=HTMLResponse)
def outcome_create(request: Request, caller: FormCallerDep, event_id: int,
                   meeting_id: Annotated[int | None, Form()] = None,
                   status: Annotated[str, Form(max_length=40)] = "",
                   rating: Annotated[str, Form(max_length=40)] = "",
                   notes: Annotated[str, Form(max_length=4000)] = "",
                   follow_up: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Record a meeting's outcome (held or no-show, the rating) and, about six months later,
    its follow-up; errors next to their fields."""
    event = staff_event(caller, event_id)
    values = {"meeting_id": meeting_id, "status": status, "rating": rating, "notes": notes,
              "follow_up": follow_up}
    errors: dict[str, str] = {}
    note = "outcome"
    meeting = caller.session.get(Meeting, meeting_id) if meeting_id else None
    target = meeting.id if meeting is not None and meeting.event_id == event_id else None
    if target is None:
        errors["meeting_id"] = N_("Choose a meeting of this event.")
    elif not status and not follow_up:
        errors["status"] = N_("Choose an outcome or a follow-up.")
    try:
        if target is not None and not errors and status:
            body = MeetingOutcome.model_validate({"status": status, "rating": rating or None,
                                                  "notes": notes})
            outcomes.record_outcome(session=caller.session, policy=caller.policy,
                                    event_id=event_id, meeting_id=target, body=body)
        if target is not None and not errors and follow_up:
            step = MeetingFollowUp.model_validate({"follow_up": follow_up})
            done = outcomes.record_meeting_follow_up(session=caller.session,
                                                     policy=caller.policy, event_id=event_id,
                                                     meeting_id=target, body=step)
            note = "follow_up_moved" if done.introduction_recorded else (
                "follow_up_kept" if done.introduction_status is not None else "outcome")
    except ValidationError as exc:
        errors = field_errors(exc, caller.lang)
        if "__all__" in errors:  # the model's own check: held or no-show
            errors = {"status": N_("Choose one of the options.")}
    except HTTPException as exc:  # 409: the meeting's state does not allow it
        if exc.status_code != 409:
            raise
        detail = str(exc.detail)
        errors = {"follow_up": FOLLOW_UP_CONFLICT} if "follow-up" in detail \
            else {"status": NOT_BEGUN if "from then on" in detail else OUTCOME_CONFLICT}
    if errors:
        caller.session.rollback()
        return event_view(request, caller, event, status=422, errors=errors, values=values)
    return RedirectResponse(event_url(event_id, note=note) + "#outcomes", status_code=303)
