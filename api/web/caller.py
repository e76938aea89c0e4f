"""Who is using the web application: the logged-in user behind the session cookie, checked
against the page's rule (`api.web.access.PAGES`), and the CSRF token of every form.

A page depends on `CallerDep` (reads) or `FormCallerDep` (forms: also checks the CSRF token
and counts the write against the user's write rate limit, as the API does for keys). Both give
a `Caller` whose `policy` is the same `Policy` the API builds from an API key.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from api.deps import RuntimeDep, SessionDep
from api.web import i18n
from api.web.access import PAGES
from matcher.auth.models import User, WebSession
from matcher.auth.policy import Policy
from matcher.auth.users import csrf_matches, find_session, principal_of

SESSION_COOKIE = "ketnoi_session"
LANG_COOKIE = "ketnoi_lang"


class LoginRequired(Exception):
    """No live session: the page answers with a redirect to the login page."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


@dataclass
class Caller:
    """The logged-in user of one request, with their policy, language and CSRF token."""

    user: User
    web_session: WebSession
    policy: Policy
    lang: str
    session: Session

    @property
    def role(self) -> str:
        return self.user.role.value

    @property
    def csrf(self) -> str:
        return self.web_session.csrf_token


def request_language(request: Request) -> str:
    return i18n.language(request.cookies.get(LANG_COOKIE))


def logged_in(request: Request, session: Session) -> tuple[User, WebSession] | None:
    return find_session(session, request.cookies.get(SESSION_COOKIE, ""))


def get_caller(request: Request, session: SessionDep, runtime: RuntimeDep) -> Caller:
    """The caller of a page: redirected to log in without a session; 403 when the page's rule
    leaves their role out (or the page has no rule); 429 past the write rate limit."""
    found = logged_in(request, session)
    if found is None:
        raise LoginRequired(request.url.path)
    user, web_session = found
    route = request.scope.get("route")
    roles = PAGES.get(getattr(route, "name", ""))
    if roles is None or user.role not in roles:
        raise HTTPException(403, "forbidden")
    principal = principal_of(user)
    session.info["actor"] = str(principal)
    if request.method == "POST" and principal.limit_key is not None:
        session.rollback()  # the count uses a connection of its own (see api.security)
        wait = request.app.state.write_limiter.hit(principal.limit_key, runtime)
        if wait is not None:
            raise HTTPException(429, "too many changes", headers={"Retry-After": str(wait)})
    return Caller(user, web_session, Policy(principal), request_language(request), session)


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_form_caller(request: Request, caller: CallerDep) -> Caller:
    """The caller of a form: the form must carry the session's CSRF token (403 otherwise)."""
    form = await request.form()  # parsed once: the handler's Form() fields read the same
    if not csrf_matches(caller.web_session, form.get("csrf_token")):
        raise HTTPException(403, "csrf")
    return caller


FormCallerDep = Annotated[Caller, Depends(get_form_caller)]
