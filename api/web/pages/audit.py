"""The Department's audit log page: who changed which record, when, from what to what,
filtered by table, record, actor and dates, newest first, a page at a time.

It reads through the API's own `GET /audit` (`api.routes.audit.read_audit`). Days are
Vietnam's days: a date range covers from midnight of the first day to midnight after the last,
in Vietnam's time, as the page shows the moments.
"""

import json
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import col, select

from api.routes.audit import read_audit
from api.web.caller import CallerDep
from api.web.i18n import N_, TIME_ZONE
from api.web.render import render
from matcher.auth.models import AuditEntry, AuditEntryPublic
from matcher.platform.db import MAX_INT

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
ACTIONS = {"create": N_("created"), "update": N_("changed"), "delete": N_("deleted")}
DATE_ERROR = N_("Enter a date (dd/mm/yyyy).")
Text = Annotated[str, Query(max_length=300)]


def parse_day(text: str) -> date | None:
    """A date typed as yyyy-mm-dd (a date input) or dd/mm/yyyy; None if blank; ValueError if
    it is not a date, or too near the ends of the calendar to bound a day in Vietnam's time."""
    text = text.strip()
    if not text:
        return None
    day = (datetime.strptime(text, "%d/%m/%Y").date() if "/" in text
           else date.fromisoformat(text))
    if not date.min < day < date.max:
        raise ValueError(f"{day} is out of range")
    return day


def shown(value: Any) -> str:
    """A logged value as text: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def changes(entry: AuditEntryPublic) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field the entry logs ("" where a side has none)."""
    before, after = entry.before or {}, entry.after or {}
    return [(name, shown(before[name]) if name in before else "",
             shown(after[name]) if name in after else "") for name in (after or before)]


def start_of(day: date) -> datetime:
    """Midnight at the start of `day` in Vietnam's time."""
    return datetime.combine(day, time(), tzinfo=TIME_ZONE)


@router.get("/web/audit", name="audit_page", response_class=HTMLResponse)
def audit_page(request: Request, caller: CallerDep, table: Text = "", record_id: Text = "",
               actor: Text = "", since: Text = "", until: Text = "",
               page: Annotated[int, Query(ge=1, le=MAX_INT // PAGE_SIZE)] = 1) -> Response:
    """The log, newest first, with the filters' form; a bad date is shown beside its field."""
    filters = {"table": table.strip(), "record_id": record_id.strip(), "actor": actor.strip(),
               "since": since.strip(), "until": until.strip()}
    errors, days = {}, {}
    for name in ("since", "until"):
        try:
            days[name] = parse_day(filters[name])
        except ValueError:
            errors[name] = DATE_ERROR
    tables = caller.session.exec(select(AuditEntry.table_name).distinct()
                                 .order_by(col(AuditEntry.table_name))).all()
    context: dict[str, Any] = {
        "filters": filters, "errors": errors, "tables": [(t, t) for t in tables],
        "actions": ACTIONS, "page": page, "params": {k: v for k, v in filters.items() if v}}
    if errors:
        return render(request, "admin/audit.html", caller, status=422, entries=None, **context)
    first, last = days.get("since"), days.get("until")
    found = read_audit(session=caller.session, skip=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                       table=filters["table"] or None, record_id=filters["record_id"] or None,
                       actor=filters["actor"] or None,
                       since=start_of(first) if first else None,
                       before=start_of(last + timedelta(days=1)) if last else None,
                       newest_first=True)
    entries = [(entry, changes(entry)) for entry in found.data]
    return render(request, "admin/audit.html", caller, entries=entries, count=found.count,
                  has_next=page * PAGE_SIZE < found.count, **context)
