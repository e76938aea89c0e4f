"""`notify`: put a notification in a recipient's inbox and queue its e-mails and webhook call,
in the caller's transaction (nothing is sent here: a failing mail server can never fail the
write that caused the notice; `matcher.alerts.delivery` sends after the commit)."""

import re
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from matcher.alerts import recipients
from matcher.alerts.models import Delivery, Notification
from matcher.alerts.recipients import Recipient
from matcher.auth.policy import Hidden, Policy, View
from matcher.platform.config import Settings

KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")


def notify(session: Session, settings: Settings, recipient: Recipient, kind: str,
           subject: str, body: str, *, need_id: int | None = None,
           dossier_ids: Iterable[int] = (), saved_search_id: int | None = None,
           items: list[dict[str, Any]] | None = None) -> Notification:
    """Add a notification of `kind` (`<family>.<what>`, e.g. `expiry.dossier`) for
    `recipient`, with its deliveries (not committed: the caller commits). `need_id` and
    `dossier_ids` name the records it is about; `Hidden` when the recipient may not read them
    (a need it does not see in full, a missing dossier), so no notice ever tells anyone of a
    record the access policy keeps from them."""
    if not KIND.match(kind):
        raise ValueError(f"kind: '{kind}' is not `<family>.<what>` in lower case")
    policy = Policy(recipient.principal)
    if need_id is not None:
        need = policy.need(session, need_id)
        if policy.view_of(session, need) is not View.full:
            raise Hidden("need", need_id)
    dossier_ids = list(dict.fromkeys(dossier_ids))
    for dossier_id in dossier_ids:
        policy.dossier(session, dossier_id)
    notification = Notification(kind=kind, subject=subject[:300], body=body, need_id=need_id,
                                saved_search_id=saved_search_id, dossier_ids=dossier_ids,
                                items=items or [], **recipient.columns())
    session.add(notification)
    session.flush()
    assert notification.id is not None
    if settings.smtp_host:
        for address in recipients.emails(session, recipient):
            session.add(Delivery(notification_id=notification.id, channel="email",
                                 target=address))
    if settings.webhook_url:
        session.add(Delivery(notification_id=notification.id, channel="webhook",
                             target=settings.webhook_url))
    return notification
