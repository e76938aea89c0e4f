"""The FastAPI application: routers gathered, runtime built at start-up, errors made clear."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.routes import (
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

    app = FastAPI(title="KetNoi", version="0.1.0", lifespan=lifespan,
                  description="Technology-transfer matchmaking: Vietnamese needs ↔ foreign "
                              "technology dossiers, within priority sectors, with reasons.")
    for module in (dossiers, enterprises, needs, sectors, search, introductions, ledger, progress,
                   reports, events):
        app.include_router(module.router)

    @app.exception_handler(ValidationError)
    async def validation_error(_: Request, exc: ValidationError) -> JSONResponse:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return JSONResponse(status_code=422, content={"detail": errors})

    return app


def _log_progress():
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if n:
            log.info("indexed %d records", done)

    return report
