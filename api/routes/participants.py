"""Participants of an event: exhibitors (suppliers) and visiting enterprises, one at a time or
imported from a file."""

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, UploadFile
from pydantic import BaseModel

from api.crud import get_or_404, page
from api.deps import SessionDep
from api.event_scope import writable_event
from api.security import PolicyDep
from api.views import participant_out
from matcher.events.importer import TooManyRows, import_participants
from matcher.events.models import (
    Event,
    Participant,
    ParticipantCreate,
    ParticipantPublic,
    ParticipantsPublic,
)
from matcher.ingest.tabular import ImportFailed, read_rows
from matcher.services.errors import Invalid, field_error

router = APIRouter(prefix="/events/{event_id}/participants", tags=["events"])


class ImportResult(BaseModel):
    created: list[int]
    updated: list[int]


@router.post("", response_model=ParticipantPublic, status_code=201)
def create_participant(session: SessionDep, policy: PolicyDep, event_id: int,
                       body: ParticipantCreate) -> ParticipantPublic:
    """Register one participant (the same checks as an import)."""
    event = writable_event(session, policy, event_id)
    try:
        report = import_participants(session, event, [body.model_dump()], policy=policy)
    except ImportFailed as exc:
        raise Invalid([field_error(["body", e.field], e.message)
                       for e in exc.errors]) from exc
    if report.updated:
        session.rollback()
        raise HTTPException(409, f"participant ref '{body.ref}' already exists in the event")
    session.commit()
    return participant_out(session, policy, get_or_404(session, Participant, report.created[0]))


@router.get("", response_model=ParticipantsPublic)
def read_participants(session: SessionDep, policy: PolicyDep, event_id: int,
                      skip: Annotated[int, Query(ge=0)] = 0,
                      limit: Annotated[int, Query(ge=1, le=100)] = 100) -> ParticipantsPublic:
    """Participants of an event, in registration order (needs and enterprises shown as the
    caller may see them)."""
    get_or_404(session, Event, event_id)
    rows, count = page(session, Participant, skip, limit, Participant.event_id == event_id)
    return ParticipantsPublic(data=[participant_out(session, policy, r) for r in rows],
                              count=count)


@router.post("/import", response_model=ImportResult)
def import_participants_file(session: SessionDep, policy: PolicyDep, event_id: int,
                             file: UploadFile) -> ImportResult:
    """Import participants from .csv, .xlsx, .jsonl or .json: all rows or none (422 lists
    every bad row and field; 413 beyond `MAX_IMPORT_ROWS` rows)."""
    event = writable_event(session, policy, event_id)
    suffix = Path(file.filename or "upload.csv").suffix
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"participants{suffix}"
        path.write_bytes(file.file.read())
        try:
            report = import_participants(session, event, read_rows(path), policy=policy)
        except TooManyRows as exc:
            raise HTTPException(413, str(exc)) from exc
        except ImportFailed as exc:
            session.rollback()
            raise Invalid([field_error(["body", "file", e.row, e.field], e.message,
                                       row=e.row, field=e.field)
                           for e in exc.errors]) from exc
    session.commit()
    return ImportResult(created=report.created, updated=report.updated)
