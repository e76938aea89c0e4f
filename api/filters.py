"""Checked codes for query filters and request bodies: an unknown jurisdiction or country is a
422 naming the field, not an empty list that looks like "nothing found"."""

from typing import Annotated

from fastapi import Depends, Query
from pydantic import AfterValidator
from sqlmodel import Session

from api.deps import SessionDep
from api.invalid import invalid
from matcher.models import Jurisdiction
from matcher.models.fields import check_country


def check_jurisdiction(session: Session, code: str | None, where: str = "body") -> None:
    """Raise 422 at `where`.jurisdiction when `code` is given and names no known jurisdiction."""
    if code is not None and session.get(Jurisdiction, code) is None:
        raise invalid([where, "jurisdiction"], f"unknown jurisdiction '{code}'")


def jurisdiction_filter(session: SessionDep, jurisdiction: Annotated[
        str | None, Query(description="A jurisdiction code, e.g. BG.")] = None) -> str | None:
    """The `jurisdiction` query parameter, checked against the jurisdictions table."""
    check_jurisdiction(session, jurisdiction, "query")
    return jurisdiction


JurisdictionFilter = Annotated[str | None, Depends(jurisdiction_filter)]
CountryFilter = Annotated[str | None, AfterValidator(lambda c: c and check_country(c)),
                          Query(description="ISO 3166-1 alpha-2 code of the origin country.")]
