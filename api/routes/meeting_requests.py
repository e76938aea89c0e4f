"""Meeting requests at an event: one participant asks to meet another, who accepts or declines."""

from typing import Any

from fastapi import APIRouter, HTTPException
from sqlmodel import col, select

from api.crud import get_or_404
from api.deps import SessionDep
from api.event_scope import event_member, writable_event
from api.security import PolicyDep
from matcher.events.models import (
    Event,
    MeetingRequest,
    MeetingRequestCreate,
    MeetingRequestPublic,
    MeetingRequestsPublic,
    MeetingRequestUpdate,
    Participant,
    RequestStatus,
)
from matcher.events.service import cancel_declined, expire_requests, now
from matcher.services.errors import Invalid

router = APIRouter(prefix="/events/{event_id}/requests", tags=["events"])


@router.post("", response_model=MeetingRequestPublic, status_code=201)
def create_request(session: SessionDep, policy: PolicyDep, event_id: int,
                   body: MeetingRequestCreate) -> Any:
    """One participant asks to meet another of the other kind."""
    writable_event(session, policy, event_id)
    requester = event_member(session, Participant, event_id, body.requester_id, "requester_id")
    target = event_member(session, Participant, event_id, body.target_id, "target_id")
    if requester.kind == target.kind:
        raise Invalid.at(["body", "target_id"], "a request must be between a supplier and an "
                      "enterprise")
    request = MeetingRequest.model_validate({**body.model_dump(), "event_id": event_id})
    session.add(request)
    session.commit()
    session.refresh(request)
    return request


@router.get("", response_model=MeetingRequestsPublic)
def read_requests(session: SessionDep, event_id: int) -> MeetingRequestsPublic:
    """Requests of an event; pending ones past expiry are marked expired first."""
    get_or_404(session, Event, event_id)
    expire_requests(session, event_id)
    session.commit()
    rows = session.exec(select(MeetingRequest).where(MeetingRequest.event_id == event_id)
                        .order_by(col(MeetingRequest.id))).all()
    return MeetingRequestsPublic(data=[MeetingRequestPublic.model_validate(r) for r in rows],
                                 count=len(rows))


@router.patch("/{request_id}", response_model=MeetingRequestPublic)
def answer_request(session: SessionDep, policy: PolicyDep, event_id: int, request_id: int,
                   body: MeetingRequestUpdate) -> Any:
    """Accept or decline a pending request; an expired one can no longer be answered. A decline
    cancels the pair's meetings that pairing made (unless locked or held): never booked."""
    writable_event(session, policy, event_id)
    request = event_member(session, MeetingRequest, event_id, request_id)
    expire_requests(session, event_id)
    if body.status not in (RequestStatus.accepted, RequestStatus.declined):
        raise Invalid.at(["body", "status"], "answer with 'accepted' or 'declined'")
    if request.status != RequestStatus.pending:
        session.commit()  # the expiry just found stays recorded
        raise HTTPException(409, f"request {request_id} is {request.status}, not pending")
    request.status, request.responded_at = body.status, now()
    session.add(request)
    if body.status == RequestStatus.declined:
        cancel_declined(session, request)
    session.commit()
    session.refresh(request)
    return request
