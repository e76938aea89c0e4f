"""The event a route names in its path, and the records it holds: what the event routers
share to find them and to check that the caller may write there."""

from typing import Any, TypeVar

from fastapi import HTTPException
from sqlmodel import Session

from api.crud import get_or_404
from matcher.auth.policy import Policy
from matcher.events.models import Event
from matcher.services.errors import Invalid

T = TypeVar("T")


def writable_event(session: Session, policy: Policy, event_id: int) -> Event:
    """The event, if the caller writes in its jurisdiction (404 when missing, 403 otherwise)."""
    event = get_or_404(session, Event, event_id)
    policy.check_jurisdiction_write(event.jurisdiction, "events")
    return event


def event_member(session: Session, model: type[T], event_id: int, record_id: int,
                 field: str | None = None) -> T:
    """The record if it belongs to the event (another event's reads as missing); else 404, or
    422 at `field` when the id came in the body."""
    get_or_404(session, Event, event_id)
    record: Any = session.get(model, record_id)
    if record is None or record.event_id != event_id:
        message = f"{model.__name__} {record_id} not found in event {event_id}"
        raise Invalid.at(["body", field], message) if field else HTTPException(404, message)
    return record
