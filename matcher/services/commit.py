"""The end of a unit of work: commit once, turning a collision into `Conflict`."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from matcher.services.errors import Conflict


def commit(session: Session, what: str) -> None:
    """Commit; an integrity violation becomes a `Conflict` that says what collided (a unique
    field taken or, on delete, a record that others still refer to), with nothing written."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        reason = ("other records still refer to it" if "foreign key" in str(exc.orig).lower()
                  else "a unique field such as ref or tax_code is taken")
        raise Conflict(f"{what} conflicts with an existing record ({reason})") from exc
