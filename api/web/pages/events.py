"""Techmart events for organisers and the Department: the list, a new event, and the event's
page with its participants, meeting requests and meetings; importing participants and answering
requests. Pairing, scheduling, the grid, agendas and outcomes are in `event_schedule`.

Reads and writes go through the API's own route functions with the caller's policy. Two rules
are the pages' own: an organiser sees only the events of its province (another province's event
reads as a missing one, 404); and for callers who are not shown identities (organisers) the
texts of an event — participants' names and organisations, requests' reasons, meeting notes —
are shown without the name or tax code of any enterprise at the event (`event_view`).
"""

import re
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from api.crud import page
from api.routes import events as event_routes
from api.routes import meeting_requests, participants
from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.forms import field_errors, form_values
from api.web.i18n import N_
from api.web.pages.event_view import event_view, staff_event
from api.web.render import render
from matcher.events.models import Event, EventCreate, MeetingRequestUpdate, RequestStatus
from matcher.models import Jurisdiction
from matcher.services.errors import Conflict, Invalid

router = APIRouter(include_in_schema=False)
DEFAULT_SLOTS = "09:00\n09:30\n10:00\n10:30\n11:00\n11:30"
# value errors of EventCreate's validators, by field, in words for the page
EVENT_ERRORS = {
    "slot_starts": N_("Slots overlap: each starts at least one meeting length after the "
                      "previous one."),
    "table_count": N_("Too many meeting places (slots × tables): use fewer tables or slots."),
    "timezone": N_("Unknown time zone (e.g. Asia/Ho_Chi_Minh)."),
    "ends_on": N_("The event cannot end before it starts."),
}
SLOTS_OUTSIDE = N_("Every slot must fall within the event's dates.")
SLOT_FORMAT = N_("Write each slot as HH:MM (on the first day) or dd/mm/yyyy HH:MM.")
NO_SLOTS = N_("Give at least one slot.")
TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def event_url(event_id: int, **query: Any) -> str:
    """The event page's path, with a summary in the query string (None values left out)."""
    params = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
    return f"/web/events/{event_id}" + (f"?{params}" if params else "")


@router.get("/web/events", name="events_page", response_class=HTMLResponse)
def events_page(request: Request, caller: CallerDep,
                page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
                deleted: bool = False) -> Response:
    """The events the caller runs: an organiser's province, every province for the Department;
    after a deletion, a notice saying so."""
    where = [] if caller.policy.is_admin else [
        col(Event.jurisdiction) == caller.user.jurisdiction]
    rows, count = page(caller.session, Event, (page_no - 1) * 20, 20, *where)
    return render(request, "events/list.html", caller, events=rows, page=page_no,
                  has_next=page_no * 20 < count, count=count, deleted=deleted)


def new_form(request: Request, caller: Caller, values: dict[str, Any],
             errors: dict[str, str], status: int = 200) -> Response:
    provinces = caller.session.exec(select(Jurisdiction).order_by(col(Jurisdiction.code))).all()
    return render(request, "events/new.html", caller, status=status, values=values,
                  errors=errors, provinces=[(p.code, f"{p.code} · {p.name}") for p in provinces])


@router.get("/web/events/new", name="event_new_page", response_class=HTMLResponse)
def event_new_page(request: Request, caller: CallerDep) -> Response:
    return new_form(request, caller, {"timezone": "Asia/Ho_Chi_Minh", "meeting_minutes": 30,
                                      "table_count": 10, "slot_starts": DEFAULT_SLOTS}, {})


def parse_day(text: str) -> str:
    """`31/12/2026` → `2026-12-31`; anything else as it is (the model says what is wrong)."""
    found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    return f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else text


def parse_slots(text: str, first_day: str) -> list[str]:
    """Slot starts, one a line: `HH:MM` on the first day, or a date and a time; ValueError for
    a line that is neither."""
    starts = []
    for line in (part.strip() for part in re.split(r"[\n,;]", text)):
        if not line:
            continue
        clock = TIME.match(line)
        if clock:
            day = date.fromisoformat(first_day)
            starts.append(f"{day.isoformat()}T{int(clock[1]):02d}:{clock[2]}")
            continue
        day_text, _, time_text = line.replace("T", " ").partition(" ")
        moment = datetime.fromisoformat(f"{parse_day(day_text)}T{time_text.strip()}")
        starts.append(moment.isoformat(timespec="minutes"))
    return starts


def event_errors(exc: ValidationError | Invalid, values: dict[str, Any],
                 lang: str) -> dict[str, str]:
    """The form's errors at their fields; the validators' own messages in the page's words."""
    errors = field_errors(exc, lang)
    for error in exc.errors() if isinstance(exc, ValidationError) else ():
        if error["type"] != "value_error":
            continue
        names = [str(part) for part in error["loc"] if isinstance(part, str)]
        if names:  # a field's validator: no slot, too big a grid, an unknown time zone
            if names[0] == "slot_starts":
                errors[names[0]] = SLOTS_OUTSIDE if "outside the event's dates" in error["msg"] \
                    else NO_SLOTS
            else:
                errors[names[0]] = EVENT_ERRORS.get(names[0], errors[names[0]])
        else:  # the model's own check: the dates, or slots that overlap
            errors.pop("__all__", None)
            name = "ends_on" if values.get("starts_on", "") > values.get("ends_on", "") \
                else "slot_starts"
            errors[name] = EVENT_ERRORS[name]
    return errors


@router.post("/web/events", name="event_create", response_class=HTMLResponse)
async def event_create(request: Request, caller: FormCallerDep) -> Response:
    """Create an event in the caller's province (the Department chooses one)."""
    values = form_values(await request.form())
    if not caller.policy.is_admin:
        values["jurisdiction"] = caller.user.jurisdiction
    data = {**values, "starts_on": parse_day(values.get("starts_on", "")),
            "ends_on": parse_day(values.get("ends_on", ""))}
    errors = {}
    try:
        data["slot_starts"] = parse_slots(values.get("slot_starts", ""), data["starts_on"])
    except ValueError:
        data.pop("slot_starts", None)
        errors["slot_starts"] = SLOT_FORMAT
    try:
        body = EventCreate.model_validate(data)
        if errors:
            return new_form(request, caller, values, errors, 422)
        event = event_routes.create_event(session=caller.session, policy=caller.policy,
                                          body=body)
    except (ValidationError, Invalid) as exc:
        caller.session.rollback()
        return new_form(request, caller, values,
                        {**event_errors(exc, data, caller.lang), **errors}, 422)
    return RedirectResponse(event_url(event.id or 0), status_code=303)


@router.get("/web/events/{event_id}", name="event_page", response_class=HTMLResponse)
def event_page(request: Request, caller: CallerDep, event_id: int,
               paired: int | None = None, kept: int | None = None,
               eligible: int | None = None, score: float | None = None,
               unschedulable: int | None = None, placed: int | None = None,
               dropped: int | None = None, violations: int | None = None,
               created: int | None = None, updated: int | None = None,
               note: Annotated[str | None, Query(pattern="^[a-z_]{1,20}$")] = None) -> Response:
    """The event: facts, actions, participants, requests, meetings; the last action's summary
    from the query string (pairs made, meetings placed and dropped, participants imported)."""
    event = staff_event(caller, event_id)
    summary = {"paired": paired, "kept": kept, "eligible": eligible, "score": score,
               "unschedulable": unschedulable, "placed": placed, "dropped": dropped,
               "violations": violations, "created": created, "updated": updated, "note": note}
    return event_view(request, caller, event, summary=summary)


@router.post("/web/events/{event_id}/participants", name="participants_import",
             response_class=HTMLResponse)
def participants_import(request: Request, caller: FormCallerDep, event_id: int,
                        file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Import participants from a CSV or XLSX file: all rows or none; a table of the bad rows."""
    event = staff_event(caller, event_id)
    if file is None or not file.filename:
        return event_view(request, caller, event, status=422,
                          errors={"file": N_("Choose a file (.csv or .xlsx).")})
    try:
        report = participants.import_participants_file(
            session=caller.session, policy=caller.policy, event_id=event_id, file=file)
    except Invalid as exc:
        caller.session.rollback()
        rows = [(e.get("row", 0), e.get("field", "-"), e.get("msg", "")) for e in exc.errors]
        return event_view(request, caller, event, status=422, import_errors=rows,
                          errors={"file": N_("Nothing was imported: correct the rows below "
                                             "and upload the file again.")})
    except HTTPException as exc:  # 413: more rows than one import takes
        caller.session.rollback()
        return event_view(request, caller, event, status=exc.status_code,
                          errors={"file": N_("The file has too many rows: split it.")})
    return RedirectResponse(event_url(event_id, created=len(report.created),
                                      updated=len(report.updated)) + "#participants",
                            status_code=303)


@router.post("/web/events/{event_id}/delete", name="event_delete")
def event_delete(request: Request, caller: FormCallerDep, event_id: int,
                 confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Delete the event with its participants, requests and meetings, once the box saying so
    is ticked; an event where a meeting was held stays (a notice says why)."""
    event = staff_event(caller, event_id)
    if confirm != "yes":
        return event_view(request, caller, event, status=422, errors={
            "confirm": N_("Tick the box to confirm the deletion.")})
    try:
        event_routes.delete_event(session=caller.session, policy=caller.policy,
                                  event_id=event_id)
    except Conflict:
        caller.session.rollback()
        return RedirectResponse(event_url(event_id, note="not_deletable") + "#delete",
                                status_code=303)
    return RedirectResponse("/web/events?deleted=true", status_code=303)


@router.post("/web/events/{event_id}/requests/{request_id}", name="request_answer")
def request_answer(caller: FormCallerDep, event_id: int, request_id: int,
                   answer: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Accept or decline a pending meeting request (an answered or expired one: a notice)."""
    staff_event(caller, event_id)
    body = MeetingRequestUpdate(status=RequestStatus(answer)) if answer in (
        RequestStatus.accepted, RequestStatus.declined) else None
    if body is None:
        raise Invalid.at(["body", "answer"], "answer with 'accepted' or 'declined'")
    try:
        meeting_requests.answer_request(session=caller.session, policy=caller.policy,
                                        event_id=event_id, request_id=request_id, body=body)
    except HTTPException as exc:
        if exc.status_code != 409:
            raise
        return RedirectResponse(event_url(event_id, note="not_pending") + "#requests",
                                status_code=303)
    return RedirectResponse(event_url(event_id, note=answer) + "#requests", status_code=303)
