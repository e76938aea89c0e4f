"""Reminders before a listing ends: a need's enterprise and brokers, and the Department for a
dossier, are told `KETNOI_EXPIRY_REMINDER_DAYS` ahead that it will leave search and matching
unless renewed (`matcher.services.validity`). One reminder per record, recipient and validity
period: renewing starts a new period, which gets its own reminder in time."""

from datetime import datetime

from sqlmodel import Session, col, select

from matcher.alerts.models import Notification
from matcher.alerts.notify import notify
from matcher.alerts.recipients import Recipient, of_need
from matcher.auth.models import Role
from matcher.auth.policy import Hidden
from matcher.models.validity import local_today
from matcher.platform.config import Settings
from matcher.services.validity import expiring


def send_reminders(session: Session, settings: Settings, now: datetime) -> int:
    """Queue the reminders due at `now` (not committed: the caller commits); how many."""
    soon = expiring(session, settings.expiry_reminder_days, local_today(now))
    sent = 0
    for need in soon.needs:
        subject = (f"Nhu cầu #{need.id} hết hạn hiển thị sau ngày "
                   f"{need.valid_until:%d/%m/%Y}: gia hạn để tiếp tục nhận gợi ý")
        body = (f"“{need.title}” sẽ không còn được tìm kiếm và ghép nối sau ngày "
                f"{need.valid_until:%d/%m/%Y}. Gia hạn trên trang nhu cầu nếu vẫn cần.")
        for recipient in of_need(session, need):
            sent += _remind(session, settings, recipient, "expiry.need", subject, body,
                            need_id=need.id)
    for dossier in soon.dossiers:
        subject = (f"Hồ sơ công nghệ #{dossier.id} hết hạn hiển thị sau ngày "
                   f"{dossier.valid_until:%d/%m/%Y}: gia hạn nếu còn hiệu lực")
        body = (f"“{dossier.title}” sẽ không còn được tìm kiếm và gợi ý sau ngày "
                f"{dossier.valid_until:%d/%m/%Y}. Gia hạn trên trang hồ sơ nếu bên chuyển giao "
                "vẫn chào bán công nghệ này.")
        sent += _remind(session, settings, Recipient(Role.admin), "expiry.dossier", subject,
                        body, dossier_ids=[dossier.id])
    return sent


def _remind(session: Session, settings: Settings, recipient: Recipient, kind: str,
            subject: str, body: str, **about) -> int:
    """One reminder, unless this recipient already has it (its subject names the record and
    the period's last day) or may not read the record."""
    columns = recipient.columns()
    already = select(Notification.id).where(
        col(Notification.kind) == kind, col(Notification.subject) == subject[:300],
        *(getattr(Notification, name) == value if value is not None
          else col(getattr(Notification, name)).is_(None) for name, value in columns.items()))
    if session.exec(already).first() is not None:
        return 0
    try:
        notify(session, settings, recipient, kind, subject, body, **about)
    except Hidden:
        return 0
    return 1
