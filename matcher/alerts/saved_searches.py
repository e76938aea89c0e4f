"""Saved searches: a caller keeps a search (text and filters) to be alerted of new dossiers it
finds. Each caller reads and changes its own; admins read everyone's."""

from typing import Any

from sqlalchemy import false, true
from sqlmodel import Session, col, select

from matcher.alerts.models import SavedSearch, SavedSearchCreate
from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.auth.policy import Hidden
from matcher.models.fields import MAX_INT, check_country
from matcher.services.checks import check_jurisdiction, check_sectors
from matcher.services.errors import Invalid


def owned_by(who: Principal) -> Any:
    """The saved searches the caller reads (its own; every one for admins)."""
    if who.role is Role.admin:
        return true()
    if who.user_id is not None:
        return col(SavedSearch.owner_user_id) == who.user_id
    return col(SavedSearch.owner_key_id) == who.key_id if who.key_id is not None else false()


def _check(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Filters checked as `GET /search` checks them (`Invalid` naming the field)."""
    if values.get("jurisdiction") is not None:
        check_jurisdiction(session, values["jurisdiction"], "body")
    if values.get("sector_codes"):
        values["sector_codes"] = list(dict.fromkeys(values["sector_codes"]))
        check_sectors(session, values["sector_codes"], "sector_codes")
    if values.get("origin_country") is not None:
        try:
            values["origin_country"] = check_country(values["origin_country"])
        except ValueError as exc:
            raise Invalid.at(["body", "origin_country"], str(exc)) from exc
    return values


def create_saved_search(session: Session, who: Principal, body: SavedSearchCreate
                        ) -> SavedSearch:
    """Keep a search for the caller (not committed)."""
    values = _check(session, body.model_dump())
    if who.role is None:
        raise Hidden("saved search", None)
    search = SavedSearch(**values, owner_role=who.role, owner_jurisdiction=who.jurisdiction,
                         owner_user_id=who.user_id,
                         owner_key_id=who.key_id if who.user_id is None else None)
    session.add(search)
    session.flush()
    return search


def saved_search(session: Session, who: Principal, search_id: int) -> SavedSearch:
    """One saved search the caller reads; `Hidden` otherwise."""
    found = None
    if 0 < search_id <= MAX_INT:
        found = session.exec(select(SavedSearch).where(SavedSearch.id == search_id,
                                                       owned_by(who))).first()
    if found is None:
        raise Hidden("saved search", search_id)
    return found


def update_saved_search(session: Session, who: Principal, search_id: int,
                        changes: dict[str, Any]) -> SavedSearch:
    """Change the fields given (not committed)."""
    search = saved_search(session, who, search_id)
    for name, value in _check(session, changes).items():
        if name in ("name", "query") and value is None:
            raise Invalid.at(["body", name], "may not be empty")
        setattr(search, name, value)
    session.add(search)
    session.flush()
    return search


def delete_saved_search(session: Session, who: Principal, search_id: int) -> None:
    """Forget a saved search (not committed)."""
    session.delete(saved_search(session, who, search_id))
