"""Techmart / Techdemo events (sự kiện kết nối cung – cầu): create, list, read, change, delete."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import get_or_404, page
from api.deps import SessionDep
from api.event_scope import writable_event
from api.security import PolicyDep
from matcher.events.deletion import delete_event as remove_event
from matcher.events.models import Event, EventCreate, EventPublic, EventsPublic, EventUpdate
from matcher.services.checks import apply_changes, check_jurisdiction

router = APIRouter(prefix="/events", tags=["events"])


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
                limit: Annotated[int, Query(ge=1, le=100)] = 20) -> EventsPublic:
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
    event = writable_event(session, policy, event_id)
    apply_changes(session, event, body.model_dump(exclude_unset=True), EventCreate)
    session.commit()
    session.refresh(event)
    return event


@router.delete("/{event_id}", status_code=204)
def delete_event(session: SessionDep, policy: PolicyDep, event_id: int) -> None:
    """Delete an event with its participants, requests and meetings; 409 once a meeting is
    recorded as held."""
    remove_event(session, writable_event(session, policy, event_id))
    session.commit()
