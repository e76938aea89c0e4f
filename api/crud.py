"""Helpers shared by the resource routers: fetch-or-404, paging, conflicts, reference checks."""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from api.invalid import invalid
from matcher.models.fields import utcnow
from matcher.models.sector_catalog import SectorCatalog
from matcher.platform.db import MAX_INT

T = TypeVar("T", bound=SQLModel)
STAMPS = {"id", "created_at", "updated_at"}  # fields a client never sets
# An optional filter of a list by a record id (no id is beyond what a column holds).
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_INT)]
Skip = Annotated[int, Query(ge=0)]  # records skipped before a page
Limit = Annotated[int, Query(ge=1, le=100)]  # records on a page


def get_or_404(session: Session, model: type[T], record_id: int) -> T:
    """The record, or a 404 naming the resource and id."""
    record = session.get(model, record_id)
    if record is None:
        raise HTTPException(404, f"{model.__name__} {record_id} not found")
    return record


def page(session: Session, model: type[T], skip: int, limit: int,
         *where: Any) -> tuple[list[T], int]:
    """One page of records ordered by id, and the total count under the same conditions."""
    count = session.exec(select(func.count()).select_from(model).where(*where)).one()
    rows = session.exec(select(model).where(*where).order_by(model.id)  # type: ignore[attr-defined]
                        .offset(min(skip, MAX_INT)).limit(limit))
    return list(rows.all()), int(count)


def check_sectors(session: Session, codes: list[str] | None, field: str = "sector_codes") -> None:
    """422 naming the field when a sector code is unknown."""
    unknown = SectorCatalog.from_session(session).unknown(list(codes or []))
    if unknown:
        raise invalid(["body", field], f"unknown sector code(s): {', '.join(unknown)}")


def commit_or_409(session: Session, what: str) -> None:
    """Commit, turning an integrity violation into a 409 that says what collided: a unique
    field taken, or (on delete) a record that others still refer to."""
    _or_409(session.commit, session, what)


def flush_or_409(session: Session, what: str) -> None:
    """Flush (to learn the ids of new records) within the request's one transaction, with the
    409 of `commit_or_409`; the transaction is rolled back on a conflict."""
    _or_409(session.flush, session, what)


def _or_409(write: Callable[[], None], session: Session, what: str) -> None:
    try:
        write()
    except IntegrityError as exc:
        session.rollback()
        reason = ("other records still refer to it" if "foreign key" in str(exc.orig).lower()
                  else "a unique field such as ref or tax_code is taken")
        raise HTTPException(409, f"{what} conflicts with an existing record ({reason})") from exc


def apply_changes(session: Session, record: SQLModel, changes: dict[str, Any],
                  schema: type[SQLModel]) -> None:
    """Set `changes` on `record` after validating the changed record as a whole with `schema`
    (so a change that breaks a cross-field rule, like price_min > price_max, is a 422 whose
    errors are located in the body, as for any other request)."""
    try:
        merged = schema.model_validate({**record.model_dump(exclude=STAMPS), **changes})
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]) from exc
    record.sqlmodel_update(merged.model_dump(include=set(changes)))
    if "updated_at" in type(record).model_fields:
        record.updated_at = utcnow()  # type: ignore[attr-defined]
    session.add(record)
