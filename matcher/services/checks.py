"""Checks every service makes before it writes: known sector and jurisdiction codes, and a
partial update validated as a whole record."""

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, SQLModel

from matcher.models import Jurisdiction
from matcher.models.fields import utcnow
from matcher.models.sector_catalog import SectorCatalog
from matcher.services.errors import Invalid

STAMPS = {"id", "created_at", "updated_at"}  # fields a client never sets


def check_sectors(session: Session, codes: list[str] | None, field: str = "sector_codes") -> None:
    """`Invalid` at `field` when a sector code is unknown."""
    unknown = SectorCatalog.from_session(session).unknown(list(codes or []))
    if unknown:
        raise Invalid.at(["body", field], f"unknown sector code(s): {', '.join(unknown)}")


def check_jurisdiction(session: Session, code: str | None, where: str = "body") -> None:
    """`Invalid` at `where`.jurisdiction when `code` is given and names no jurisdiction."""
    if code is not None and session.get(Jurisdiction, code) is None:
        raise Invalid.at([where, "jurisdiction"], f"unknown jurisdiction '{code}'")


def apply_changes(session: Session, record: SQLModel, changes: dict[str, Any],
                  schema: type[SQLModel]) -> None:
    """Set `changes` on `record` after validating the changed record as a whole with `schema`
    (so a change that breaks a cross-field rule, like price_min > price_max, is invalid input
    located in the body, as for any other request)."""
    try:
        merged = schema.model_validate({**record.model_dump(exclude=STAMPS), **changes})
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise Invalid([{**e, "loc": ["body", *e["loc"]]} for e in errors]) from exc
    record.sqlmodel_update(merged.model_dump(include=set(changes)))
    if "updated_at" in type(record).model_fields:
        record.updated_at = utcnow()  # type: ignore[attr-defined]
    session.add(record)
