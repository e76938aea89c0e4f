"""Digests: the matches found for a need or a saved search wait until its last alert is at
least `alert_digest_hours` old, then go out together in one notification per recipient (at
most one a day per need, by default, however many dossiers arrive)."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from matcher.alerts import recipients
from matcher.alerts.models import (
    KIND_NEED_MATCHES,
    KIND_SEARCH_MATCHES,
    AlertMatch,
    Notification,
    SavedSearch,
)
from matcher.alerts.notify import notify
from matcher.auth.policy import Hidden
from matcher.models import Dossier, Need
from matcher.models.enums import NeedStatus
from matcher.models.fields import aware
from matcher.platform.config import Settings

MAX_ITEMS = 20  # dossiers listed in one notification (the rest are counted)


def send_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Turn the pending matches of every subject whose last alert is old enough into
    notifications (not committed); returns how many notifications were made."""
    pending = session.exec(select(AlertMatch).where(col(AlertMatch.notified_at).is_(None))
                           .order_by(col(AlertMatch.id))).all()
    by_subject: dict[tuple[str, int], list[AlertMatch]] = defaultdict(list)
    for match in pending:
        key = ("need", match.need_id) if match.need_id is not None \
            else ("search", match.saved_search_id)
        by_subject[key].append(match)  # type: ignore[index]
    made = 0
    since = now - timedelta(hours=settings.alert_digest_hours)
    for (what, subject_id), found in by_subject.items():
        column = Notification.need_id if what == "need" else Notification.saved_search_id
        kind = KIND_NEED_MATCHES if what == "need" else KIND_SEARCH_MATCHES
        last = session.exec(select(func.max(Notification.created_at)).where(
            column == subject_id, Notification.kind == kind)).one()
        if last is not None and aware(last) > since:
            continue  # wait: they go out with the next digest
        made += _digest(session, settings, what, subject_id, found)
        for match in found:
            match.notified_at = now
            session.add(match)
    return made


def _items(session: Session, found: list[AlertMatch]) -> list[dict]:
    items = []
    for match in sorted(found, key=lambda m: -m.score):
        dossier = session.get(Dossier, match.dossier_id)
        if dossier is not None:  # deleted since it was found
            items.append({"dossier_id": dossier.id, "title": dossier.title,
                          "score": round(match.score, 4), "explanation": match.explanation})
    return items


def _digest(session: Session, settings: Settings, what: str, subject_id: int,
            found: list[AlertMatch]) -> int:
    items = _items(session, found)
    if not items:
        return 0
    listed = items[:MAX_ITEMS]
    more = len(items) - len(listed)
    lines = [f"- {i['title']} (điểm {i['score']:.2f}): {i['explanation']}" for i in listed]
    if more:
        lines.append(f"… và {more} hồ sơ khác.")
    ids = [i["dossier_id"] for i in listed]
    if what == "need":
        need = session.get(Need, subject_id)
        if need is None or need.status != NeedStatus.open:
            return 0
        subject = f"{len(items)} hồ sơ công nghệ mới phù hợp với nhu cầu «{need.title}»"
        body = "\n".join([f"Nhu cầu «{need.title}» (mã {need.ref}) có hồ sơ công nghệ mới "
                          f"phù hợp:", *lines])
        made = 0
        for recipient in recipients.of_need(session, need):
            try:
                notify(session, settings, recipient, KIND_NEED_MATCHES, subject, body,
                       need_id=need.id, dossier_ids=ids, items=listed)
                made += 1
            except Hidden:  # e.g. a confidential need: nobody outside its circle hears of it
                continue
        return made
    search = session.get(SavedSearch, subject_id)
    owner = recipients.of_saved_search(session, search) if search is not None else None
    if search is None or owner is None:
        return 0
    subject = f"{len(items)} hồ sơ công nghệ mới cho tìm kiếm đã lưu «{search.name}»"
    body = "\n".join([f"Tìm kiếm «{search.query}» có hồ sơ công nghệ mới:", *lines])
    notify(session, settings, owner, KIND_SEARCH_MATCHES, subject, body,
           saved_search_id=search.id, dossier_ids=ids, items=listed)
    return 1
