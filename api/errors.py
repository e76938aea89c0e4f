"""How errors answer: one place that maps the policy's and the database's exceptions, and
validation errors, to HTTP answers, for the app and for tests that mount routers alone."""

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from matcher.auth.policy import Hidden, Refused
from matcher.services.errors import Conflict, Invalid

RETRY_AFTER_SECONDS = 2
# SQLSTATEs of PostgreSQL meaning "busy, try again": lock_timeout, statement_timeout (query
# cancelled), serialization failure, deadlock, too many connections, out of resources, server
# starting or shutting down, and connection failures.
BUSY_SQLSTATES = {
    "55P03": "a lock was not granted in time (lock_timeout)",
    "57014": "a statement took too long and was cancelled (statement_timeout)",
    "40001": "a concurrent transaction conflicted (serialization failure)",
    "40P01": "a concurrent transaction conflicted (deadlock)",
    "53300": "too many connections",
    "53000": "out of resources",
    "53200": "out of memory",
    "57P01": "the database server is shutting down",
    "57P03": "the database server is starting or cannot accept connections now",
    "08000": "the connection to the database failed",
    "08001": "the database cannot be reached",
    "08004": "the database refused the connection",
    "08006": "the connection to the database failed",
}
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
UNREACHABLE = ("connection refused", "could not connect", "connection failed",
               "server closed the connection", "no such file or directory")


def busy_reason(exc: Exception) -> str | None:
    """Why the database could not serve the request for now (busy, locked, unreachable, out
    of connections), or None when `exc` is an error that retrying would not cure."""
    if isinstance(exc, PoolTimeout):
        return "every database connection of this process is in use"
    if not isinstance(exc, OperationalError):
        return None
    code = getattr(exc.orig, "sqlstate", None)
    if code in BUSY_SQLSTATES:
        return BUSY_SQLSTATES[code]
    message = str(exc.orig).lower()
    if any(m in message for m in SQLITE_BUSY):
        return "another write holds the database lock"
    if code is None and any(m in message for m in UNREACHABLE):
        return "the database cannot be reached"
    return None


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(Hidden)
    async def hidden(_: Request, exc: Hidden) -> JSONResponse:
        # a record named in the path that the caller may not see reads as a missing one
        return JSONResponse(status_code=404, content={"detail": exc.not_found})

    @app.exception_handler(Refused)
    async def refused(_: Request, exc: Refused) -> JSONResponse:
        return JSONResponse(status_code=403, content={"detail": str(exc)})

    @app.exception_handler(Invalid)
    async def invalid(_: Request, exc: Invalid) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(exc.errors)})

    @app.exception_handler(Conflict)
    async def conflict(_: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(StaleDataError)
    async def deleted_meanwhile(_: Request, exc: StaleDataError) -> JSONResponse:
        # a concurrent request deleted the record between this one's read and its write
        return JSONResponse(status_code=404, content={"detail": "the record was deleted "
                                                                "by another request meanwhile"})

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def busy(request: Request, exc: Exception) -> JSONResponse:
        # a busy database is a reason to come back shortly, not a server error; any other
        # operational error (a missing table, a full disk) stays a 500
        reason = busy_reason(exc)
        if reason is None:
            raise exc
        return JSONResponse(
            status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            content={"detail": f"the database is busy: {reason}; "
                               f"try again in {RETRY_AFTER_SECONDS} s"})

    @app.exception_handler(ValidationError)
    @app.exception_handler(RequestValidationError)
    async def unprocessable(_: Request, exc: ValidationError | RequestValidationError
                            ) -> JSONResponse:
        # Each bad field with its location, without echoing the input: it may be megabytes
        # long, or not encodable at all (a lone surrogate in a JSON string made this a 500).
        errors = [{k: v for k, v in e.items() if k not in ("input", "ctx", "url")}
                  for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})
