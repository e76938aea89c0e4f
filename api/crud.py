"""Helpers shared by the resource routers: fetch-or-404, paging, conflicts, reference checks."""

from typing import Any, TypeVar

from fastapi import HTTPException
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from matcher.models.fields import utcnow
from matcher.sectors import SectorCatalog

T = TypeVar("T", bound=SQLModel)
STAMPS = {"id", "created_at", "updated_at"}  # fields a client never sets


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
    rows = session.exec(select(model).where(*where).order_by(model.id).offset(skip).limit(limit))  # type: ignore[attr-defined]
    return list(rows.all()), int(count)


def check_sectors(session: Session, codes: list[str] | None, field: str = "sector_codes") -> None:
    """422 naming the field when a sector code is unknown."""
    unknown = SectorCatalog.from_session(session).unknown(list(codes or []))
    if unknown:
        raise HTTPException(422, [{"loc": ["body", field], "type": "value_error",
                                   "msg": f"unknown sector code(s): {', '.join(unknown)}"}])


def commit_or_409(session: Session, what: str) -> None:
    """Commit, turning a uniqueness violation into a 409 that says what collided."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise HTTPException(409, f"{what} conflicts with an existing record "
                                 f"(a unique field such as ref or tax_code is taken)") from exc


def apply_changes(session: Session, record: SQLModel, changes: dict[str, Any],
                  schema: type[SQLModel]) -> None:
    """Set `changes` on `record` after validating the changed record as a whole with `schema`
    (so a change that breaks a cross-field rule, like price_min > price_max, is a 422)."""
    merged = schema.model_validate({**record.model_dump(exclude=STAMPS), **changes})
    record.sqlmodel_update(merged.model_dump(include=set(changes)))
    record.updated_at = utcnow()  # type: ignore[attr-defined]
    session.add(record)
