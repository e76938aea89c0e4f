"""Techmart / Techdemo events: participants, requests, pairing, schedule, agendas, outcomes."""

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel
from sqlmodel import Session, col, select

from api.crud import apply_changes, commit_or_409, get_or_404, page
from api.deps import MatchesDep, SessionDep
from api.downloads import attachment
from api.filters import check_jurisdiction
from api.security import PolicyDep
from api.views import participant_out
from matcher.auth.policy import Policy
from matcher.events import agenda as agendas
from matcher.events.candidates import build_candidates
from matcher.events.importer import import_participants
from matcher.events.models import (
    Event,
    EventCreate,
    EventPublic,
    EventsPublic,
    EventUpdate,
    Meeting,
    MeetingCreate,
    MeetingFollowUp,
    MeetingOutcome,
    MeetingPublic,
    MeetingRequest,
    MeetingRequestCreate,
    MeetingRequestPublic,
    MeetingRequestsPublic,
    MeetingRequestUpdate,
    MeetingSource,
    MeetingsPublic,
    MeetingUpdate,
    Participant,
    ParticipantCreate,
    ParticipantKind,
    ParticipantPublic,
    ParticipantsPublic,
    RequestStatus,
)
from matcher.events.outcomes import OutcomeError, OutcomeSummary, record_follow_up, summarise
from matcher.events.outcomes import record_outcome as save_outcome
from matcher.events.service import (
    PairingReport,
    ScheduleReport,
    check_event,
    expire_requests,
    now,
    pair_event,
    schedule_event,
)
from matcher.ingest.tabular import ImportFailed, read_rows

router = APIRouter(prefix="/events", tags=["events"])
Limit = Annotated[int, Query(ge=1, le=100)]


class ImportResult(BaseModel):
    created: list[int]
    updated: list[int]


class CheckResult(BaseModel):
    valid: bool
    violations: list[str]


def _member(session: Session, model: Any, event_id: int, record_id: int,
            field: str | None = None) -> Any:
    """The record if it belongs to the event (another event's reads as missing); else 404, or
    422 at `field` when the id came in the body."""
    get_or_404(session, Event, event_id)
    record = session.get(model, record_id)
    if record is None or record.event_id != event_id:
        message = f"{model.__name__} {record_id} not found in event {event_id}"
        raise _unprocessable(field, message) if field else HTTPException(404, message)
    return record


def _writable(session: Session, policy: Policy, event_id: int) -> Event:
    """The event, if the caller writes in its jurisdiction (403 otherwise)."""
    event = get_or_404(session, Event, event_id)
    policy.check_jurisdiction_write(event.jurisdiction, "events")
    return event


def _unprocessable(field: str, message: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["body", field], "type": "value_error", "msg": message}])


@router.post("", response_model=EventPublic, status_code=201)
def create_event(session: SessionDep, policy: PolicyDep, body: EventCreate) -> Event:
    """Create an event with its slot grid and tables, in the caller's jurisdiction."""
    check_jurisdiction(session, body.jurisdiction)
    policy.check_jurisdiction_write(body.jurisdiction, "events")
    event = Event.model_validate(body)
    session.add(event)
    session.commit()
    session.refresh(event)
    return event


@router.get("", response_model=EventsPublic)
def read_events(session: SessionDep, skip: Annotated[int, Query(ge=0)] = 0,
                limit: Limit = 20) -> EventsPublic:
    """List events."""
    rows, count = page(session, Event, skip, limit)
    return EventsPublic(data=[EventPublic.model_validate(r) for r in rows], count=count)


@router.get("/{event_id}", response_model=EventPublic)
def read_event(session: SessionDep, event_id: int) -> Event:
    """One event."""
    return get_or_404(session, Event, event_id)


@router.patch("/{event_id}", response_model=EventPublic)
def update_event(session: SessionDep, policy: PolicyDep, event_id: int,
                 body: EventUpdate) -> Event:
    """Change name, venue or table count."""
    event = _writable(session, policy, event_id)
    apply_changes(session, event, body.model_dump(exclude_unset=True), EventCreate)
    session.commit()
    session.refresh(event)
    return event


@router.post("/{event_id}/participants", response_model=ParticipantPublic, status_code=201)
def create_participant(session: SessionDep, policy: PolicyDep, event_id: int,
                       body: ParticipantCreate) -> ParticipantPublic:
    """Register one participant (the same checks as an import)."""
    event = _writable(session, policy, event_id)
    try:
        report = import_participants(session, event, [body.model_dump()], policy=policy)
    except ImportFailed as exc:
        raise HTTPException(422, [{"loc": ["body", e.field], "type": "value_error",
                                   "msg": e.message} for e in exc.errors]) from exc
    if report.updated:
        session.rollback()
        raise HTTPException(409, f"participant ref '{body.ref}' already exists in the event")
    session.commit()
    return participant_out(session, policy, get_or_404(session, Participant, report.created[0]))


@router.get("/{event_id}/participants", response_model=ParticipantsPublic)
def read_participants(session: SessionDep, policy: PolicyDep, event_id: int,
                      skip: Annotated[int, Query(ge=0)] = 0,
                      limit: Limit = 100) -> ParticipantsPublic:
    """Participants of an event, in registration order (needs and enterprises shown as the
    caller may see them)."""
    get_or_404(session, Event, event_id)
    rows, count = page(session, Participant, skip, limit, Participant.event_id == event_id)
    return ParticipantsPublic(data=[participant_out(session, policy, r) for r in rows],
                              count=count)


@router.post("/{event_id}/participants/import", response_model=ImportResult)
def import_participants_file(session: SessionDep, policy: PolicyDep, event_id: int,
                             file: UploadFile) -> ImportResult:
    """Import participants from .csv, .xlsx, .jsonl or .json: all rows or none (422 lists
    every bad row and field)."""
    event = _writable(session, policy, event_id)
    suffix = Path(file.filename or "upload.csv").suffix
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"participants{suffix}"
        path.write_bytes(file.file.read())
        try:
            report = import_participants(session, event, read_rows(path), policy=policy)
        except ImportFailed as exc:
            session.rollback()
            raise HTTPException(422, [{"loc": ["body", "file", e.row, e.field],
                                       "type": "value_error", "row": e.row, "field": e.field,
                                       "msg": e.message} for e in exc.errors]) from exc
    session.commit()
    return ImportResult(created=report.created, updated=report.updated)


@router.post("/{event_id}/requests", response_model=MeetingRequestPublic, status_code=201)
def create_request(session: SessionDep, policy: PolicyDep, event_id: int,
                   body: MeetingRequestCreate) -> Any:
    """One participant asks to meet another of the other kind."""
    _writable(session, policy, event_id)
    requester = _member(session, Participant, event_id, body.requester_id, "requester_id")
    target = _member(session, Participant, event_id, body.target_id, "target_id")
    if requester.kind == target.kind:
        raise _unprocessable("target_id", "a request must be between a supplier and an enterprise")
    request = MeetingRequest.model_validate({**body.model_dump(), "event_id": event_id})
    session.add(request)
    session.commit()
    session.refresh(request)
    return request


@router.get("/{event_id}/requests", response_model=MeetingRequestsPublic)
def read_requests(session: SessionDep, event_id: int) -> MeetingRequestsPublic:
    """Requests of an event; pending ones past expiry are marked expired first."""
    get_or_404(session, Event, event_id)
    expire_requests(session, event_id)
    session.commit()
    rows = session.exec(select(MeetingRequest).where(MeetingRequest.event_id == event_id)
                        .order_by(col(MeetingRequest.id))).all()
    return MeetingRequestsPublic(data=[MeetingRequestPublic.model_validate(r) for r in rows],
                                 count=len(rows))


@router.patch("/{event_id}/requests/{request_id}", response_model=MeetingRequestPublic)
def answer_request(session: SessionDep, policy: PolicyDep, event_id: int, request_id: int,
                   body: MeetingRequestUpdate) -> Any:
    """Accept or decline a pending request; an expired one can no longer be answered."""
    _writable(session, policy, event_id)
    request = _member(session, MeetingRequest, event_id, request_id)
    expire_requests(session, event_id)
    if body.status not in (RequestStatus.accepted, RequestStatus.declined):
        raise _unprocessable("status", "answer with 'accepted' or 'declined'")
    if request.status != RequestStatus.pending:
        session.commit()
        raise HTTPException(409, f"request {request_id} is {request.status}, not pending")
    request.status, request.responded_at = body.status, now()
    session.add(request)
    session.commit()
    session.refresh(request)
    return request


@router.post("/{event_id}/meetings", response_model=MeetingPublic, status_code=201)
def create_meeting(session: SessionDep, policy: PolicyDep, event_id: int,
                   body: MeetingCreate) -> Meeting:
    """The organiser adds a meeting; a locked one needs a slot and is never moved."""
    event = _writable(session, policy, event_id)
    supplier = _member(session, Participant, event_id, body.supplier_participant_id,
                       "supplier_participant_id")
    enterprise = _member(session, Participant, event_id, body.enterprise_participant_id,
                         "enterprise_participant_id")
    if supplier.kind != ParticipantKind.supplier or enterprise.kind != ParticipantKind.enterprise:
        raise _unprocessable("supplier_participant_id", "give a supplier and an enterprise")
    _check_place(event, body.slot, body.table, body.locked)
    meeting = Meeting.model_validate({**body.model_dump(), "event_id": event_id,
                                      "source": MeetingSource.organiser})
    session.add(meeting)
    commit_or_409(session, f"meeting {supplier.ref}–{enterprise.ref}")
    session.refresh(meeting)
    return meeting


def _check_place(event: Event, slot: int | None, table: int | None, locked: bool) -> None:
    if locked and slot is None:
        raise _unprocessable("slot", "a locked meeting needs a slot")
    if slot is not None and slot > len(event.slot_starts):
        raise _unprocessable("slot", f"the event has {len(event.slot_starts)} slots")
    if table is not None and table > event.table_count:
        raise _unprocessable("table", f"the event has {event.table_count} tables")


@router.patch("/{event_id}/meetings/{meeting_id}", response_model=MeetingPublic)
def update_meeting(session: SessionDep, policy: PolicyDep, event_id: int, meeting_id: int,
                   body: MeetingUpdate) -> Meeting:
    """Move, lock or unlock a meeting."""
    _writable(session, policy, event_id)
    meeting = _member(session, Meeting, event_id, meeting_id)
    changes = body.model_dump(exclude_unset=True)
    merged = {**meeting.model_dump(), **changes}
    _check_place(get_or_404(session, Event, event_id), merged["slot"], merged["table"],
                 merged["locked"])
    apply_changes(session, meeting, changes, MeetingCreate)
    session.commit()
    session.refresh(meeting)
    return meeting


@router.get("/{event_id}/meetings", response_model=MeetingsPublic)
def read_meetings(session: SessionDep, event_id: int, skip: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> MeetingsPublic:
    """Meetings of an event with slot, table, status and outcome."""
    get_or_404(session, Event, event_id)
    rows, count = page(session, Meeting, skip, limit, Meeting.event_id == event_id)
    return MeetingsPublic(data=[MeetingPublic.model_validate(r) for r in rows], count=count)


@router.post("/{event_id}/pair", response_model=PairingReport)
def pair_meetings(session: SessionDep, matches: MatchesDep,
                  policy: PolicyDep, event_id: int,
                  min_score: Annotated[float, Query(ge=0)] = 0.0,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50,
                  greedy: bool = False) -> PairingReport:
    """Choose the meetings with the highest total match score under every participant's cap
    (`greedy=true` runs the baseline instead); locked and accepted meetings are kept. Only
    needs the caller may see are matched."""
    event = _writable(session, policy, event_id)
    candidates = build_candidates(session, event_id, matches, limit, policy=policy)
    return pair_event(session, event, candidates, min_score, greedy)


@router.post("/{event_id}/schedule", response_model=ScheduleReport)
def schedule_meetings(session: SessionDep, policy: PolicyDep, event_id: int) -> ScheduleReport:
    """Give each planned meeting a slot and table; report what was dropped and why."""
    event = _writable(session, policy, event_id)
    try:
        return schedule_event(session, event)
    except ValueError as exc:
        session.rollback()
        raise HTTPException(409, str(exc)) from exc


@router.get("/{event_id}/check", response_model=CheckResult)
def check_schedule(session: SessionDep, event_id: int) -> CheckResult:
    """Run the independent constraint checker on the current schedule."""
    violations = check_event(session, get_or_404(session, Event, event_id))
    return CheckResult(valid=not violations, violations=violations)


@router.get("/{event_id}/participants/{participant_id}/agenda")
def read_agenda(session: SessionDep, policy: PolicyDep, event_id: int, participant_id: int,
                format: Literal["json", "csv", "ics", "html"] = "json") -> Any:
    """A participant's meetings as JSON, CSV, iCalendar or printable HTML (each topic as the
    caller may see it)."""
    event = get_or_404(session, Event, event_id)
    person = _member(session, Participant, event_id, participant_id)
    items = agendas.agenda(session, event, person, policy=policy)
    name = f"agenda-{event_id}-{person.ref}"
    if format == "csv":
        return PlainTextResponse(agendas.agenda_csv(items), media_type="text/csv",
                                 headers={"Content-Disposition": attachment(f"{name}.csv")})
    if format == "ics":
        return Response(agendas.agenda_ics(event, person, items), media_type="text/calendar",
                        headers={"Content-Disposition": attachment(f"{name}.ics")})
    if format == "html":
        return HTMLResponse(agendas.agenda_html(event, person, items))
    return items


@router.get("/{event_id}/grid")
def read_grid(session: SessionDep, event_id: int,
              format: Literal["json", "csv", "html"] = "json") -> Any:
    """The organiser's grid: one row per slot, one column per table."""
    event = get_or_404(session, Event, event_id)
    cells = agendas.grid(session, event)
    if format == "csv":
        return PlainTextResponse(agendas.grid_csv(event, cells), media_type="text/csv")
    if format == "html":
        return HTMLResponse(agendas.grid_html(event, cells))
    return {"slots": event.slot_starts, "tables": event.table_count, "cells": cells}


@router.post("/{event_id}/meetings/{meeting_id}/outcome", response_model=MeetingPublic)
def record_outcome(session: SessionDep, policy: PolicyDep, event_id: int, meeting_id: int,
                   body: MeetingOutcome) -> Meeting:
    """Held or no-show and the rating; a held meeting becomes a ledger introduction when the
    caller writes the ledger of the enterprise's jurisdiction."""
    _writable(session, policy, event_id)
    meeting = _member(session, Meeting, event_id, meeting_id)
    try:
        save_outcome(session, meeting, body, policy=policy)
    except OutcomeError as exc:
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    session.refresh(meeting)
    return meeting


@router.post("/{event_id}/meetings/{meeting_id}/follow-up", response_model=MeetingPublic)
def record_meeting_follow_up(session: SessionDep, policy: PolicyDep, event_id: int,
                             meeting_id: int, body: MeetingFollowUp) -> Meeting:
    """The six-month follow-up of a held meeting."""
    _writable(session, policy, event_id)
    meeting = _member(session, Meeting, event_id, meeting_id)
    try:
        record_follow_up(session, meeting, body)
    except OutcomeError as exc:
        raise HTTPException(409, str(exc)) from exc
    session.commit()
    session.refresh(meeting)
    return meeting


@router.get("/{event_id}/outcomes", response_model=OutcomeSummary)
def read_outcomes(session: SessionDep, event_id: int) -> OutcomeSummary:
    """Counts by status, rating and follow-up."""
    get_or_404(session, Event, event_id)
    return summarise(session, event_id)
