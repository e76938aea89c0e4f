"""Deleting an event: allowed while nothing happened at it, refused once a meeting is held.

A held meeting is a fact the province counts (and may have become a ledger introduction), so an
event with one is kept; before that, the event goes with its participants, requests and
meetings, each removal in the audit log. Nothing here commits: the caller does.
"""

from sqlmodel import Session, func, select

from matcher.events.models import Event, Meeting, MeetingRequest, MeetingStatus, Participant
from matcher.services.errors import Conflict


def held_meetings(session: Session, event_id: int) -> int:
    """How many of the event's meetings are recorded as held."""
    query = select(func.count()).select_from(Meeting).where(
        Meeting.event_id == event_id, Meeting.status == MeetingStatus.held)
    return int(session.exec(query).one())


def delete_event(session: Session, event: Event) -> None:
    """Delete the event with everything registered for it; `Conflict` (409) naming the held
    meetings when any is recorded."""
    assert event.id is not None
    held = held_meetings(session, event.id)
    if held:
        raise Conflict(f"event {event.id} cannot be deleted: {held} of its meetings "
                       f"{'is' if held == 1 else 'are'} recorded as held (outcomes the "
                       "province counts)")
    # row by row, not a bulk DELETE: each removal is written to the audit log
    for model in (Meeting, MeetingRequest, Participant):
        for row in session.exec(select(model).where(model.event_id == event.id)).all():
            session.delete(row)
        session.flush()
    session.delete(event)
    session.flush()
