"""The audit log: every record written through a session is logged with who, what, when,
and its values before and after, in the same transaction as the write itself.

Callers say who is acting by setting `session.info["actor"]` (and `["request"]`); writes with
no actor are logged as `system` (seed loading, migrations).

Secrets never reach the log: hashed key secrets and passwords are left out of every entry (a
change to one is logged as a change, without its values), and browser sessions (whose rows
hold a CSRF token) are not logged at all.
"""

import json
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction

from matcher.auth.models import AuditEntry
from matcher.models.fields import utcnow

SECRET_COLUMNS = {"secret_hash", "password_hash"}
HIDDEN = "(not logged)"  # in place of a secret column's values when it changes
UNLOGGED_TABLES = {"websession",  # browser sessions: tokens, not records of the work
                   "outboxreader", "delivery", "notificationread"}  # alerts housekeeping


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _columns(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs
            if c.key not in SECRET_COLUMNS}


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes() and attr.key in SECRET_COLUMNS:
            before[attr.key] = after[attr.key] = HIDDEN  # that it changed, never the value
        elif history.has_changes():
            before[attr.key] = _plain(history.deleted[0] if history.deleted else None)
            after[attr.key] = _plain(history.added[0] if history.added else None)
    return before, after


def _record_id(obj: Any) -> str:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return ",".join(str(part) for part in key)


def _logged(obj: Any) -> bool:
    return not isinstance(obj, AuditEntry) and obj.__tablename__ not in UNLOGGED_TABLES


def entries(session: OrmSession) -> list[dict[str, Any]]:
    """Audit rows for what the session just flushed (call from `after_flush`)."""
    actor = str(session.info.get("actor", "system"))
    request = str(session.info.get("request", ""))
    rows: list[dict[str, Any]] = []

    def add(action: str, obj: Any, before: dict | None, after: dict | None) -> None:
        rows.append({"at": utcnow(), "actor": actor[:300], "request": request[:300],
                     "action": action, "table_name": obj.__tablename__,
                     "record_id": _record_id(obj), "before": before, "after": after})

    for obj in session.new:
        if _logged(obj):
            add("create", obj, None, _columns(obj))
    for obj in session.dirty:
        if not _logged(obj) or not session.is_modified(obj):
            continue
        before, after = _changes(obj)
        if after:
            add("update", obj, before, after)
    for obj in session.deleted:
        if _logged(obj):
            add("delete", obj, _columns(obj), None)
    return rows


@event.listens_for(OrmSession, "after_flush")
def _log_flush(session: OrmSession, _context: UOWTransaction) -> None:
    rows = entries(session)
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)  # type: ignore[attr-defined]
