"""A caller's inbox: the notifications addressed to it that it may read, newest first, with
each one's read state, and marking them read (a notification outside the inbox is `Hidden`,
like a missing one)."""

from sqlalchemy import exists, func, not_
from sqlmodel import Session, col, select

from matcher.alerts.models import (
    Notification,
    NotificationPublic,
    NotificationRead,
    NotificationsPublic,
)
from matcher.alerts.recipients import addressed_to, reader
from matcher.auth.keys import Principal
from matcher.auth.policy import Hidden
from matcher.models.fields import MAX_INT


def _read_by(who: Principal):
    return exists().where(col(NotificationRead.notification_id) == col(Notification.id),
                          col(NotificationRead.reader) == reader(who))


def unread_count(session: Session, who: Principal) -> int:
    """How many notifications in the caller's inbox it has not read."""
    return int(session.exec(select(func.count()).select_from(Notification).where(
        addressed_to(who), not_(_read_by(who)))).one())


def inbox(session: Session, who: Principal, skip: int = 0, limit: int = 20,
          unread_only: bool = False) -> NotificationsPublic:
    """A page of the caller's inbox, newest first, with the count and the unread count."""
    where = [addressed_to(who)]
    if unread_only:
        where.append(not_(_read_by(who)))
    count = int(session.exec(select(func.count()).select_from(Notification)
                             .where(*where)).one())
    rows = session.exec(select(Notification, _read_by(who).label("read")).where(*where)
                        .order_by(col(Notification.created_at).desc(),
                                  col(Notification.id).desc())
                        .offset(skip).limit(limit)).all()
    data = [NotificationPublic(**n.model_dump(), read=bool(read)) for n, read in rows]
    return NotificationsPublic(data=data, count=count, unread=unread_count(session, who))


def notification(session: Session, who: Principal, notification_id: int) -> Notification:
    """One notification of the caller's inbox; `Hidden` when it is not there."""
    found = None
    if 0 < notification_id <= MAX_INT:
        found = session.exec(select(Notification).where(
            Notification.id == notification_id, addressed_to(who))).first()
    if found is None:
        raise Hidden("notification", notification_id)
    return found


def mark_read(session: Session, who: Principal, notification_id: int) -> Notification:
    """Mark one notification read by the caller (not committed; reading twice is harmless)."""
    found = notification(session, who, notification_id)
    done = session.exec(select(NotificationRead).where(
        NotificationRead.notification_id == found.id,
        NotificationRead.reader == reader(who))).first()
    if done is None and found.id is not None:
        session.add(NotificationRead(notification_id=found.id, reader=reader(who)))
    return found


def mark_all_read(session: Session, who: Principal) -> int:
    """Mark every unread notification of the caller's inbox read; returns how many."""
    ids = session.exec(select(Notification.id).where(addressed_to(who),
                                                     not_(_read_by(who)))).all()
    for notification_id in ids:
        assert notification_id is not None
        session.add(NotificationRead(notification_id=notification_id, reader=reader(who)))
    return len(ids)
