"""Logging in and out, the language switch, the home page and the user's own account."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from limits import parse

from api.deps import RuntimeDep, SessionDep
from api.web.caller import (
    LANG_COOKIE,
    SESSION_COOKIE,
    CallerDep,
    FormCallerDep,
    logged_in,
)
from api.web.i18n import LANGUAGES, N_
from api.web.render import render
from matcher.auth.users import (
    MIN_PASSWORD,
    SESSION_HOURS,
    end_session,
    normalise_email,
    set_password,
    start_session,
    verify_login,
)

router = APIRouter(include_in_schema=False)
# Failed logins allowed before the form refuses for a while: per e-mail from one address (so
# that nobody elsewhere can lock a person out by failing on purpose), and per address.
FAILURES_PER_EMAIL = parse("5/15 minutes")
FAILURES_PER_ADDRESS = parse("30/15 minutes")


def local_path(target: str | None, default: str = "/web/") -> str:
    """`target` if it is a path on this site (never another site: `//host` or `http://`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def _counters(request: Request, email: str) -> list[tuple[object, str]]:
    address = request.client.host if request.client else "unknown"
    return [(FAILURES_PER_EMAIL, f"email:{normalise_email(email)}:{address}"),
            (FAILURES_PER_ADDRESS, f"address:{address}")]


def same_site(request: Request) -> bool:
    """Whether a form was sent from this site's own pages, as the browser's `Origin` says (a
    browser sends it with every POST; none at all: not a browser, allowed). The login form has
    no session yet, hence no CSRF token: this keeps other sites from logging a visitor in to an
    account of theirs."""
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


@router.get("/", name="root")
def root(request: Request, session: SessionDep) -> Response:
    """The site's address: the home page when logged in, else the login page."""
    target = "/web/" if logged_in(request, session) else "/web/login"
    return RedirectResponse(target, status_code=303)


@router.get("/web/login", name="login_page", response_class=HTMLResponse)
def login_page(request: Request, session: SessionDep, next: str | None = None,
               changed: bool = False) -> Response:
    if logged_in(request, session):
        return RedirectResponse(local_path(next), status_code=303)
    return render(request, "login.html", next=local_path(next), email="", error=None,
                  changed=changed)


@router.post("/web/login", name="login", response_class=HTMLResponse)
def login(request: Request, session: SessionDep, runtime: RuntimeDep,
          email: Annotated[str, Form(max_length=254)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/web/") -> Response:
    """Check the password; on success start a session (cookie HttpOnly, SameSite=Lax). After
    too many failures for an e-mail or an address, refuse for a while (429)."""
    if not same_site(request):
        raise HTTPException(403, "cross-site login")
    # the write limit's limiter: the same shared storage, counted under the name "login"
    limiter = request.app.state.write_limiter.limiter(runtime)
    counters = _counters(request, email)
    session.rollback()  # the counters use connections of their own (see api.security)
    if not all(limiter.test(item, "login", key) for item, key in counters):  # type: ignore[arg-type]
        return render(request, "login.html", status=429, next=local_path(next), email=email,
                      error=N_("Too many failed attempts. Wait 15 minutes and try again."))
    user = verify_login(session, email, password)
    if user is None:
        for item, key in counters:
            limiter.hit(item, "login", key)  # type: ignore[arg-type]
        return render(request, "login.html", status=401, next=local_path(next), email=email,
                      error=N_("Wrong e-mail or password."))
    session.info["actor"] = f"user {user.id} ({user.role.value}, {user.org})"
    token = start_session(session, user)
    session.commit()
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True,
                        samesite="lax", secure=runtime.settings.secure_cookies, path="/")
    response.set_cookie(LANG_COOKIE, request.cookies.get(LANG_COOKIE, user.language),
                        max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/web/logout", name="logout")
def logout(request: Request, caller: FormCallerDep) -> Response:
    end_session(caller.session, request.cookies.get(SESSION_COOKIE, ""))
    caller.session.commit()
    response = RedirectResponse("/web/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/web/lang/{code}", name="set_language")
def set_language(code: str, next: str | None = None) -> Response:
    """Switch the language (a preference in a cookie; it changes nothing on the server)."""
    if code not in LANGUAGES:
        raise HTTPException(404)
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/web/", name="home_page", response_class=HTMLResponse)
def home_page(request: Request, caller: CallerDep) -> Response:
    """Where each role starts: the pages of its work, as cards."""
    return render(request, "home.html", caller)


@router.get("/web/account", name="account_page", response_class=HTMLResponse)
def account_page(request: Request, caller: CallerDep) -> Response:
    return render(request, "account.html", caller, errors={})


@router.post("/web/account/password", name="account_password", response_class=HTMLResponse)
def account_password(request: Request, caller: FormCallerDep,
                     current: Annotated[str, Form(max_length=1000)] = "",
                     new: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Change one's own password (the current one is asked again); every session of the
    user ends, this one too: log in again with the new password."""
    errors = {}
    if verify_login(caller.session, caller.user.email, current) is None:
        errors["current"] = N_("The current password is wrong.")
    elif len(new) < MIN_PASSWORD:
        errors["new"] = N_("At least 10 characters.")
    if errors:
        return render(request, "account.html", caller, status=422, errors=errors, saved=False)
    set_password(caller.session, caller.user, new)  # ends every session of the user
    caller.session.commit()
    response = RedirectResponse("/web/login?changed=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
