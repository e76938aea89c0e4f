"""Checked codes for query filters and request bodies: an unknown jurisdiction or country is a
422 naming the field, not an empty list that looks like "nothing found"."""

from typing import Annotated

from fastapi import Depends, Query
from pydantic import AfterValidator

from api.deps import SessionDep
from matcher.models.fields import check_country
from matcher.services.checks import check_jurisdiction


def jurisdiction_filter(session: SessionDep, jurisdiction: Annotated[
        str | None, Query(description="A jurisdiction code, e.g. BG.")] = None) -> str | None:
    """The `jurisdiction` query parameter, checked against the jurisdictions table."""
    check_jurisdiction(session, jurisdiction, "query")
    return jurisdiction


JurisdictionFilter = Annotated[str | None, Depends(jurisdiction_filter)]
CountryFilter = Annotated[str | None, AfterValidator(lambda c: c and check_country(c)),
                          Query(description="ISO 3166-1 alpha-2 code of the origin country.")]
