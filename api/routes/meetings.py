"""B2B meetings of an event that the organiser adds, moves, locks or lists."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import get_or_404, page
from api.deps import SessionDep
from api.event_scope import event_member, writable_event
from api.security import PolicyDep
from matcher.events.models import (
    Event,
    Meeting,
    MeetingCreate,
    MeetingPublic,
    MeetingSource,
    MeetingsPublic,
    MeetingUpdate,
    Participant,
    ParticipantKind,
)
from matcher.services.checks import apply_changes
from matcher.services.commit import commit
from matcher.services.errors import Invalid

router = APIRouter(prefix="/events/{event_id}/meetings", tags=["events"])


@router.post("", response_model=MeetingPublic, status_code=201)
def create_meeting(session: SessionDep, policy: PolicyDep, event_id: int,
                   body: MeetingCreate) -> Meeting:
    """The organiser adds a meeting; a locked one needs a slot and is never moved."""
    event = writable_event(session, policy, event_id)
    supplier = event_member(session, Participant, event_id, body.supplier_participant_id,
                            "supplier_participant_id")
    enterprise = event_member(session, Participant, event_id, body.enterprise_participant_id,
                              "enterprise_participant_id")
    if supplier.kind != ParticipantKind.supplier or enterprise.kind != ParticipantKind.enterprise:
        raise Invalid.at(["body", "supplier_participant_id"], "give a supplier and an enterprise")
    _check_place(event, body.slot, body.table, body.locked)
    meeting = Meeting.model_validate({**body.model_dump(), "event_id": event_id,
                                      "source": MeetingSource.organiser})
    session.add(meeting)
    commit(session, f"meeting {supplier.ref}–{enterprise.ref}")
    session.refresh(meeting)
    return meeting


@router.patch("/{meeting_id}", response_model=MeetingPublic)
def update_meeting(session: SessionDep, policy: PolicyDep, event_id: int, meeting_id: int,
                   body: MeetingUpdate) -> Meeting:
    """Move, lock or unlock a meeting."""
    writable_event(session, policy, event_id)
    meeting = event_member(session, Meeting, event_id, meeting_id)
    changes = body.model_dump(exclude_unset=True)
    merged = {**meeting.model_dump(), **changes}
    _check_place(get_or_404(session, Event, event_id), merged["slot"], merged["table"],
                 merged["locked"])
    apply_changes(session, meeting, changes, MeetingCreate)
    session.commit()
    session.refresh(meeting)
    return meeting


@router.get("", response_model=MeetingsPublic)
def read_meetings(session: SessionDep, event_id: int, skip: Annotated[int, Query(ge=0)] = 0,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> MeetingsPublic:
    """Meetings of an event with slot, table, status and outcome."""
    get_or_404(session, Event, event_id)
    rows, count = page(session, Meeting, skip, limit, Meeting.event_id == event_id)
    return MeetingsPublic(data=[MeetingPublic.model_validate(r) for r in rows], count=count)


def _check_place(event: Event, slot: int | None, table: int | None, locked: bool) -> None:
    """422 when a locked meeting has no slot, or the slot or table is beyond the event's."""
    if locked and slot is None:
        raise Invalid.at(["body", "slot"], "a locked meeting needs a slot")
    if slot is not None and slot > len(event.slot_starts):
        raise Invalid.at(["body", "slot"], f"the event has {len(event.slot_starts)} slots")
    if table is not None and table > event.table_count:
        raise Invalid.at(["body", "table"], f"the event has {event.table_count} tables")
