"""The FastAPI application: routers gathered, runtime built at start-up, errors made clear."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from api import openapi
from api.routes import (
    audit,
    dossiers,
    enterprises,
    events,
    introductions,
    ledger,
    needs,
    progress,
    reports,
    search,
    sectors,
)
from api.security import WriteLimiter, authorize
from matcher.config import get_settings
from matcher.runtime import Runtime, build_runtime

log = logging.getLogger("ketnoi")


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The app; without a runtime, one is built from the settings and synced at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is None:
            built = build_runtime(get_settings())
            log.info("checking the index against the database")
            built.sync(progress=_log_progress())
            app.state.runtime = built
        else:
            app.state.runtime = runtime
        yield
        app.state.runtime.index.save()

    settings = runtime.settings if runtime is not None else get_settings()
    app = FastAPI(title="KetNoi", version="0.1.0", lifespan=lifespan,
                  dependencies=[Depends(authorize)], max_body_size=settings.max_body_bytes,
                  description="Technology-transfer matchmaking: Vietnamese needs ↔ foreign "
                              "technology dossiers, within priority sectors, with reasons.")
    app.state.write_limiter = WriteLimiter(settings.write_rate_limit)
    for module in (dossiers, enterprises, needs, sectors, search, introductions, ledger, progress,
                   reports, events, audit):
        app.include_router(module.router)
    openapi.install(app)

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

    return app


def _log_progress():
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if n:
            log.info("indexed %d records", done)

    return report
