"""Errors on web pages: an HTML page in the user's language instead of the API's JSON, and a
redirect to the login page when nobody is logged in. API paths keep their JSON answers."""

import inspect
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import RETRY_AFTER_SECONDS
from api.web.caller import LoginRequired
from api.web.i18n import N_
from api.web.render import render
from matcher.auth.policy import Hidden, Refused
from matcher.services.errors import Conflict, Invalid

WEB_PREFIX = "/web"
MESSAGES = {  # status → what the page says (translated in the catalogue)
    400: N_("The request could not be read."),
    403: N_("Your account may not open this page or make this change."),
    404: N_("There is no such page or record, or your account may not see it."),
    409: N_("The change conflicts with the record's current state."),
    413: N_("The file is too large."),
    422: N_("Some values are not valid."),
    429: N_("Too many attempts; wait a moment and try again."),
    503: N_("The database is busy; try again in a few seconds."),
}

# The errors `api.errors` answers for the API, with the status a page shows (None: the
# exception's own).
WEB_STATUS: dict[Any, int | None] = {
    StarletteHTTPException: None, Hidden: 404, Refused: 403, Invalid: 422, Conflict: 409,
    StaleDataError: 409, OperationalError: 503, PoolTimeout: 503, ValidationError: 422,
    RequestValidationError: 422}


def is_web(request: Request) -> bool:
    path = request.url.path
    return path == "/" or path == WEB_PREFIX or path.startswith(WEB_PREFIX + "/")


def error_page(request: Request, status: int, headers: dict[str, str] | None = None
               ) -> Response:
    response = render(request, "error.html", status=status, code=status,
                      message=MESSAGES.get(status, N_("Something went wrong.")))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install(app: FastAPI) -> None:
    """Answer errors of web paths with pages; delegate API paths to the handlers already
    registered (`api.errors`), so their JSON stays as it is."""

    @app.exception_handler(LoginRequired)
    async def login_required(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"{WEB_PREFIX}/login?next={quote(exc.path)}", status_code=303)

    def wrap(kind: Any, status: int | None) -> None:
        api_handler = app.exception_handlers[kind]

        async def handler(request: Request, exc: Exception) -> Response:
            if not is_web(request):
                answer = api_handler(request, exc)
                return await answer if inspect.isawaitable(answer) else answer
            code = status if status is not None else int(getattr(exc, "status_code", 500))
            headers = getattr(exc, "headers", None) or (
                {"Retry-After": str(RETRY_AFTER_SECONDS)} if code == 503 else None)
            return error_page(request, code, headers)

        app.add_exception_handler(kind, handler)

    app.exception_handlers.setdefault(StarletteHTTPException, http_exception_handler)
    for kind, status in WEB_STATUS.items():
        wrap(kind, status)
