"""The audit log, for admins: who changed which record, when, from what to what."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import page
from api.deps import SessionDep
from matcher.auth.models import AuditEntriesPublic, AuditEntry, AuditEntryPublic

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditEntriesPublic)
def read_audit(session: SessionDep, skip: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=100)] = 20,
               table: Annotated[str | None, Query(description="e.g. `need`, `dossier`.")] = None,
               record_id: str | None = None,
               actor: Annotated[str | None, Query(description="Part of the actor, e.g. "
                                                              "`key 3` or `enterprise`.")] = None
               ) -> AuditEntriesPublic:
    """Audit entries, oldest first, filtered by table, record and actor."""
    where = []
    if table:
        where.append(AuditEntry.table_name == table)
    if record_id:
        where.append(AuditEntry.record_id == record_id)
    if actor:
        where.append(AuditEntry.actor.contains(actor))  # type: ignore[attr-defined]
    rows, count = page(session, AuditEntry, skip, limit, *where)
    return AuditEntriesPublic(data=[AuditEntryPublic.model_validate(r) for r in rows],
                              count=count)
