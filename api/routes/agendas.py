"""Agendas of an event: each participant's meetings, and the organiser's slot × table grid, as
JSON, CSV, iCalendar or printable HTML."""

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from api.crud import get_or_404
from api.deps import SessionDep
from api.downloads import attachment
from api.event_scope import event_member
from api.security import PolicyDep
from matcher.events import agenda as agendas
from matcher.events.models import Event, Participant

router = APIRouter(prefix="/events/{event_id}", tags=["events"])


@router.get("/participants/{participant_id}/agenda")
def read_agenda(session: SessionDep, policy: PolicyDep, event_id: int, participant_id: int,
                format: Literal["json", "csv", "ics", "html"] = "json") -> Any:
    """A participant's meetings as JSON, CSV, iCalendar or printable HTML (each topic as the
    caller may see it)."""
    event = get_or_404(session, Event, event_id)
    person = event_member(session, Participant, event_id, participant_id)
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


@router.get("/grid")
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
