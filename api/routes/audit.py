"""The audit log, for admins: who changed which record, when, from what to what."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import page
from api.deps import SessionDep
from matcher.auth.models import AuditEntriesPublic, AuditEntry, AuditEntryPublic
from matcher.models.fields import as_utc

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditEntriesPublic)
def read_audit(session: SessionDep, skip: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               table: Annotated[str | None, Query(description="e.g. `need`, `dossier`.")] = None,
               record_id: str | None = None,
               actor: Annotated[str | None, Query(description="Part of the actor, e.g. "
                                                              "`key 3` or `enterprise`.")] = None,
               since: Annotated[datetime | None, Query(
                   description="Entries at or after this moment (ISO 8601; without a UTC "
                               "offset, Asia/Ho_Chi_Minh time).")] = None,
               before: Annotated[datetime | None, Query(
                   description="Entries before this moment (ISO 8601; without a UTC offset, "
                               "Asia/Ho_Chi_Minh time).")] = None,
               newest_first: Annotated[bool, Query(
                   description="Newest entries first (default: oldest first).")] = False
               ) -> AuditEntriesPublic:
    """Audit entries, oldest first (or newest first), filtered by table, record, actor and
    time."""
    where = []
    if table:
        where.append(AuditEntry.table_name == table)
    if record_id:
        where.append(AuditEntry.record_id == record_id)
    if actor:
        where.append(AuditEntry.actor.contains(actor))  # type: ignore[attr-defined]
    if since is not None:
        where.append(AuditEntry.at >= as_utc(since))  # type: ignore[arg-type,operator]
    if before is not None:
        where.append(AuditEntry.at < as_utc(before))  # type: ignore[arg-type,operator]
    rows, count = page(session, AuditEntry, skip, limit, *where, descending=newest_first)
    return AuditEntriesPublic(data=[AuditEntryPublic.model_validate(r) for r in rows],
                              count=count)

