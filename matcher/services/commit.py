"""The end of a unit of work: commit (or flush, to learn new ids) once, turning a collision
into `Conflict` with nothing written."""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from matcher.services.errors import Conflict


def commit(session: Session, what: str) -> None:
    """Commit; an integrity violation becomes a `Conflict` that says what collided (a unique
    field taken or, on delete, a record that others still refer to), rolled back."""
    _or_conflict(session.commit, session, what)


def flush(session: Session, what: str) -> None:
    """Flush within the caller's one transaction (to learn the ids of new records), with the
    `Conflict` of `commit`; the transaction is rolled back on a conflict."""
    _or_conflict(session.flush, session, what)


def _or_conflict(write: Callable[[], None], session: Session, what: str) -> None:
    try:
        write()
    except IntegrityError as exc:
        session.rollback()
        reason = ("other records still refer to it" if "foreign key" in str(exc.orig).lower()
                  else "a unique field such as ref or tax_code is taken")
        raise Conflict(f"{what} conflicts with an existing record ({reason})") from exc
