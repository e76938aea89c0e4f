"""Saved searches: a broker keeps a search to be alerted of new dossiers it finds."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, func, select

from api.deps import SessionDep
from api.security import PrincipalDep
from matcher.alerts import saved_searches
from matcher.alerts.models import (
    SavedSearch,
    SavedSearchCreate,
    SavedSearchesPublic,
    SavedSearchPublic,
    SavedSearchUpdate,
)
from matcher.services.commit import commit

router = APIRouter(prefix="/saved-searches", tags=["saved searches"])


@router.get("", response_model=SavedSearchesPublic)
def read_saved_searches(session: SessionDep, who: PrincipalDep,
                        skip: Annotated[int, Query(ge=0)] = 0,
                        limit: Annotated[int, Query(ge=1, le=100)] = 20) -> SavedSearchesPublic:
    """The caller's saved searches (every one for admins), oldest first."""
    where = saved_searches.owned_by(who)
    count = session.exec(select(func.count()).select_from(SavedSearch).where(where)).one()
    rows = session.exec(select(SavedSearch).where(where).order_by(col(SavedSearch.id))
                        .offset(skip).limit(limit)).all()
    return SavedSearchesPublic(data=[SavedSearchPublic.model_validate(r) for r in rows],
                               count=count)


@router.get("/{search_id}", response_model=SavedSearchPublic)
def read_saved_search(session: SessionDep, who: PrincipalDep, search_id: int) -> SavedSearch:
    """One saved search of the caller (404 for anyone else's)."""
    return saved_searches.saved_search(session, who, search_id)


@router.post("", response_model=SavedSearchPublic, status_code=201)
def create_saved_search(session: SessionDep, who: PrincipalDep,
                        body: SavedSearchCreate) -> SavedSearch:
    """Save a search: new dossiers it finds confidently are notified to the caller (a digest,
    at most one a day by default)."""
    search = saved_searches.create_saved_search(session, who, body)
    commit(session, f"saved search '{body.name}'")
    return search


@router.patch("/{search_id}", response_model=SavedSearchPublic)
def update_saved_search(session: SessionDep, who: PrincipalDep, search_id: int,
                        body: SavedSearchUpdate) -> SavedSearch:
    """Change the fields sent."""
    search = saved_searches.update_saved_search(session, who, search_id,
                                                body.model_dump(exclude_unset=True))
    commit(session, f"saved search {search_id}")
    return search


@router.delete("/{search_id}", status_code=204)
def delete_saved_search(session: SessionDep, who: PrincipalDep, search_id: int) -> None:
    """Forget a saved search."""
    saved_searches.delete_saved_search(session, who, search_id)
    commit(session, f"saved search {search_id}")
