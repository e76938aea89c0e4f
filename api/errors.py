"""How errors answer: one place that maps the policy's and the database's exceptions, and
validation errors, to HTTP answers, for the app and for tests that mount routers alone."""

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from matcher.auth.policy import Hidden, Refused
from matcher.services.errors import Conflict, Invalid


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

    @app.exception_handler(ValidationError)
    @app.exception_handler(RequestValidationError)
    async def unprocessable(_: Request, exc: ValidationError | RequestValidationError
                            ) -> JSONResponse:
        # Each bad field with its location, without echoing the input: it may be megabytes
        # long, or not encodable at all (a lone surrogate in a JSON string made this a 500).
        errors = [{k: v for k, v in e.items() if k not in ("input", "ctx", "url")}
                  for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})
