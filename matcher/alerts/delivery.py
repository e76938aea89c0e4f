"""Sending queued deliveries: e-mail through SMTP (stdlib smtplib) and a JSON webhook signed
with HMAC-SHA256. Each delivery is claimed before it is sent (so two processes never send one
twice), retried with a growing wait when it fails, and given up, logged, after the configured
attempts; the notification stays in the inbox whatever happens here."""

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from matcher.alerts.models import Delivery, Notification
from matcher.models.fields import aware, utcnow
from matcher.platform.config import Settings

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)  # a claimed delivery is someone else's to send for this long
TIMEOUT = 10.0  # seconds for one SMTP or HTTP exchange
SIGNATURE_HEADER = "X-KetNoi-Signature"


@dataclass
class Sent:
    """What one round of delivery did."""

    sent: int = 0
    failed: int = 0  # this attempt failed (tried again later)
    given_up: int = 0


def sign(secret: str, body: bytes) -> str:
    """The signature header's value of a webhook body: `sha256=<hex HMAC-SHA256>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(notification: Notification) -> dict:
    """The JSON a webhook receives for a notification."""
    return {"id": notification.id, "kind": notification.kind,
            "created_at": aware(notification.created_at).isoformat(),
            "recipient": {"role": notification.recipient_role.value,
                          "jurisdiction": notification.recipient_jurisdiction,
                          "enterprise_id": notification.recipient_enterprise_id,
                          "user_id": notification.recipient_user_id,
                          "key_id": notification.recipient_key_id},
            "subject": notification.subject, "body": notification.body,
            "need_id": notification.need_id, "saved_search_id": notification.saved_search_id,
            "dossier_ids": notification.dossier_ids, "items": notification.items}


def send_email(settings: Settings, to: str, notification: Notification) -> None:
    """Send one notification to one address through the configured SMTP server."""
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = notification.subject
    message.set_content(notification.body)
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def send_webhook(settings: Settings, url: str, notification: Notification) -> None:
    """POST the notification as JSON to `url`, signed when a secret is configured; an answer
    other than 2xx is a failure."""
    body = json.dumps(payload(notification), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "KetNoi-webhook"}
    if settings.webhook_secret:
        headers[SIGNATURE_HEADER] = sign(settings.webhook_secret, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(url, response.status, "not 2xx", response.headers,
                                         None)


def _claim(engine: Engine, delivery: Delivery, now: datetime) -> bool:
    """Move the delivery's next attempt past the claim period, if it is still due (nobody
    else claimed it first: one conditional UPDATE, atomic on either database)."""
    with Session(engine) as session:
        result = session.execute(update(Delivery).where(
            col(Delivery.id) == delivery.id, col(Delivery.next_at) <= now,
            col(Delivery.delivered_at).is_(None)).values(next_at=now + CLAIM))
        session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]


def deliver_due(engine: Engine, settings: Settings, now: datetime | None = None,
                limit: int = 500) -> Sent:
    """Send the deliveries whose time has come; returns what was sent, failed, given up."""
    now = now or utcnow()
    done = Sent()
    with Session(engine) as session:
        due = session.exec(select(Delivery).where(
            col(Delivery.delivered_at).is_(None), col(Delivery.failed_at).is_(None),
            col(Delivery.next_at) <= now).order_by(col(Delivery.id)).limit(limit)).all()
    for delivery in due:
        if not _claim(engine, delivery, now):
            continue
        with Session(engine) as session:
            notification = session.get(Notification, delivery.notification_id)
            row = session.get(Delivery, delivery.id)
            assert notification is not None and row is not None
            try:
                if row.channel == "email":
                    send_email(settings, row.target, notification)
                else:
                    send_webhook(settings, row.target, notification)
            except (OSError, smtplib.SMTPException, ValueError) as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if row.attempts >= settings.delivery_attempts:
                    row.failed_at = utcnow()
                    done.given_up += 1
                    log.error("gave up %s delivery %d of notification %d to %s: %s",
                              row.channel, row.id, row.notification_id, row.target,
                              row.last_error)
                else:
                    row.next_at = now + timedelta(minutes=2 ** (row.attempts - 1))
                    done.failed += 1
                    log.warning("%s delivery %d failed (attempt %d), retrying: %s",
                                row.channel, row.id, row.attempts, row.last_error)
            else:
                row.attempts += 1
                row.delivered_at = utcnow()
                done.sent += 1
            session.add(row)
            session.commit()
    return done
