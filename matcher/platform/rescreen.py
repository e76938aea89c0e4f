"""Keep screening findings in step with dossiers: every session that writes a dossier
recomputes its findings in the same transaction, just before it commits (so the API, the
importer, seed loading and scripts all screen alike). A dossier's findings are deleted with it
by `matcher.services.dossiers.delete_dossier`.

`after_flush` notes which dossiers were created or changed (`session.info["rescreen"]`);
`before_commit` flushes, screens them (`matcher.services.screening.rescreen`), and the commit
writes the findings with the dossiers, or neither.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import UOWTransaction

from matcher.models import Dossier

PENDING = "rescreen"


@event.listens_for(OrmSession, "after_flush")
def _note_changed(session: OrmSession, _context: UOWTransaction) -> None:
    pending: set[int] = session.info.setdefault(PENDING, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Dossier) and obj.id is not None and (
                obj in session.new or session.is_modified(obj)):
            pending.add(obj.id)
    for obj in session.deleted:
        if isinstance(obj, Dossier):
            pending.discard(obj.id)  # type: ignore[arg-type]


@event.listens_for(OrmSession, "before_commit")
def _screen_changed(session: OrmSession) -> None:
    from matcher.services.screening import rescreen

    session.flush()
    pending = session.info.pop(PENDING, set())
    if pending:
        rescreen(session, pending)  # type: ignore[arg-type]


@event.listens_for(OrmSession, "after_rollback")
def _forget_pending(session: OrmSession) -> None:
    session.info.pop(PENDING, None)
