"""Checked codes for query filters and request bodies: an unknown jurisdiction or country is a
422 naming the field, not an empty list that looks like "nothing found"."""

from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import AfterValidator

from api.deps import SessionDep
from matcher.models.fields import check_country
from matcher.services.checks import check_jurisdiction
from matcher.services.validity import current_rows, expired_rows, expiring_rows


def jurisdiction_filter(session: SessionDep, jurisdiction: Annotated[
        str | None, Query(description="A jurisdiction code, e.g. BG.")] = None) -> str | None:
    """The `jurisdiction` query parameter, checked against the jurisdictions table."""
    check_jurisdiction(session, jurisdiction, "query")
    return jurisdiction


JurisdictionFilter = Annotated[str | None, Depends(jurisdiction_filter)]
CountryFilter = Annotated[str | None, AfterValidator(lambda c: c and check_country(c)),
                          Query(description="ISO 3166-1 alpha-2 code of the origin country.")]


ExpiredFilter = Annotated[bool | None, Query(
    description="true: only records whose validity has ended; false: only current ones.")]
ExpiringWithin = Annotated[int | None, Query(
    ge=0, le=366, description="Only current records whose validity ends within this many "
    "days (0: today is their last day).")]


def validity_where(model: Any, expired: bool | None, expiring_within: int | None) -> list:
    """The conditions of the `expired` and `expiring_within` filters of a list of `model`."""
    where = []
    if expired is not None:
        where.append(expired_rows(model) if expired else current_rows(model))
    if expiring_within is not None:
        where.append(expiring_rows(model, expiring_within))
    return where
