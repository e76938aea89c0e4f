"""The inbox (thông báo): notifications addressed to the caller, and marking them read."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import SessionDep
from api.security import PrincipalDep
from matcher.alerts import inbox
from matcher.alerts.models import NotificationPublic, NotificationsPublic

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=NotificationsPublic)
def read_notifications(session: SessionDep, who: PrincipalDep,
                       skip: Annotated[int, Query(ge=0)] = 0,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20,
                       unread: Annotated[bool, Query(
                           description="Only those not read yet.")] = False
                       ) -> NotificationsPublic:
    """The caller's notifications, newest first, with how many are unread."""
    return inbox.inbox(session, who, skip, limit, unread)


@router.post("/read-all", response_model=NotificationsPublic)
def mark_all_notifications_read(session: SessionDep, who: PrincipalDep) -> NotificationsPublic:
    """Mark every notification of the caller read; answers the first page of the inbox."""
    inbox.mark_all_read(session, who)
    session.commit()
    return inbox.inbox(session, who)


@router.post("/{notification_id}/read", response_model=NotificationPublic)
def mark_notification_read(session: SessionDep, who: PrincipalDep,
                           notification_id: int) -> NotificationPublic:
    """Mark one notification read by the caller (404 when it is not in their inbox)."""
    found = inbox.mark_read(session, who, notification_id)
    shown = NotificationPublic(**found.model_dump(), read=True)
    session.commit()
    return shown
