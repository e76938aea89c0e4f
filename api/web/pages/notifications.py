"""The "Thông báo" page: the caller's notifications (the API's inbox), marking them read, and,
for brokers, their saved searches; and saving the current search from the search page."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from api.web.access import PAGES
from api.web.caller import CallerDep, FormCallerDep
from api.web.pages import terms
from api.web.pages.users import RecordId
from api.web.render import render
from matcher.alerts import inbox, saved_searches
from matcher.alerts.models import SavedSearch, SavedSearchCreate
from matcher.services.errors import Invalid

router = APIRouter(include_in_schema=False)
SHOWN = 50  # notifications on the page, newest first


@router.get("/web/notifications", name="notifications_page", response_class=HTMLResponse)
def notifications_page(request: Request, caller: CallerDep) -> Response:
    """The newest notifications with their read state; a broker's saved searches below."""
    who = caller.policy.who
    unread_only = request.query_params.get("unread") == "1"
    notes = inbox.inbox(caller.session, who, limit=SHOWN, unread_only=unread_only)
    searches: list[SavedSearch] = []
    if caller.user.role in PAGES["saved_search_create"]:
        searches = list(caller.session.exec(select(SavedSearch).where(  # own, admins' too
            col(SavedSearch.owner_user_id) == caller.user.id).order_by(col(SavedSearch.id))))
    return render(request, "notifications/inbox.html", caller, notes=notes,
                  unread_only=unread_only, searches=searches,
                  need_links=caller.user.role in PAGES["need_page"],
                  saved=request.query_params.get("saved"))


@router.post("/web/notifications/{notification_id}/read", name="notification_read")
def notification_read(caller: FormCallerDep, notification_id: RecordId) -> Response:
    """Mark one notification read (404 when it is not the caller's)."""
    inbox.mark_read(caller.session, caller.policy.who, notification_id)
    caller.session.commit()
    return RedirectResponse(f"/web/notifications#n-{notification_id}", status_code=303)


@router.post("/web/notifications/read", name="notifications_read_all")
def notifications_read_all(caller: FormCallerDep) -> Response:
    """Mark every notification of the caller read."""
    inbox.mark_all_read(caller.session, caller.policy.who)
    caller.session.commit()
    return RedirectResponse("/web/notifications", status_code=303)


@router.post("/web/saved-searches", name="saved_search_create", response_class=HTMLResponse)
def saved_search_create(request: Request, caller: FormCallerDep,
                        name: Annotated[str, Form(max_length=200)] = "",
                        q: Annotated[str, Form(max_length=2000)] = "",
                        jurisdiction: Annotated[str, Form(max_length=16)] = "",
                        sector: Annotated[list[str] | None, Form()] = None,
                        origin_country: Annotated[str, Form(max_length=2)] = "",
                        transfer_mode: Annotated[str, Form(max_length=40)] = "",
                        min_trl: Annotated[str, Form(max_length=2)] = "") -> Response:
    """Save the search the form carries (the search page's current one) for alerts."""
    values = {"name": name.strip() or q.strip()[:200], "query": q.strip(),
              "jurisdiction": jurisdiction or None, "sector_codes": sector or [],
              "origin_country": origin_country or None, "transfer_mode": transfer_mode or None,
              "min_trl": min_trl or None}
    try:
        body = SavedSearchCreate.model_validate(values)
        search = saved_searches.create_saved_search(caller.session, caller.policy.who, body)
    except (ValidationError, Invalid) as exc:
        caller.session.rollback()
        return render(request, "notifications/not_saved.html", caller, status=422,
                      errors=terms.worded_errors(exc, caller.lang), query=q)
    caller.session.commit()
    return RedirectResponse(f"/web/notifications?saved={search.id}", status_code=303)


@router.post("/web/saved-searches/{search_id}/delete", name="saved_search_delete")
def saved_search_delete(caller: FormCallerDep, search_id: RecordId) -> Response:
    """Forget one of the caller's saved searches (404 for anyone else's)."""
    saved_searches.delete_saved_search(caller.session, caller.policy.who, search_id)
    caller.session.commit()
    return RedirectResponse("/web/notifications#saved-searches", status_code=303)
