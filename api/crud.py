"""Helpers shared by the resource routers: fetch-or-404, paging, conflicts, reference checks."""

from typing import Annotated, Any, TypeVar

from fastapi import HTTPException, Query
from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from matcher.platform.db import MAX_INT

T = TypeVar("T", bound=SQLModel)
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
         *where: Any, descending: bool = False, first_by: Any = None) -> tuple[list[T], int]:
    """One page of records ordered by id (the newest first if `descending`), after
    `first_by` when given (an SQL ordering), and the total count under the same conditions."""
    count = session.exec(select(func.count()).select_from(model).where(*where)).one()
    order = model.id.desc() if descending else model.id  # type: ignore[attr-defined]
    orders = (order,) if first_by is None else (first_by, order)
    rows = session.exec(select(model).where(*where).order_by(*orders)
                        .offset(min(skip, MAX_INT)).limit(limit))
    return list(rows.all()), int(count)
