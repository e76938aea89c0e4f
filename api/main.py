"""The FastAPI application: routers gathered, runtime built at start-up, errors made clear."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api import docs, errors, headers, openapi, web
from api.routes import (
    agendas,
    audit,
    dossiers,
    duplicates,
    enterprises,
    events,
    fdi_projects,
    findings,
    health,
    intermediaries,
    introductions,
    meeting_requests,
    meetings,
    needs,
    notifications,
    outcomes,
    participants,
    people,
    plans,
    progress,
    reports,
    saved_searches,
    schedule,
    search,
    sectors,
    trainings,
    transfers,
)
from api.security import WriteLimiter, authorize
from matcher.platform.config import get_settings
from matcher.platform.runtime import Runtime, build_runtime

log = logging.getLogger("ketnoi")


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """The app; without a runtime, one is built from the settings and synced at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is None:  # a server: catch up in the background, serving meanwhile
            built = build_runtime(get_settings())
            log.info("loading the index and catching up with the database")
            built.start_following()
            app.state.runtime = built
            yield
            built.stop_following()
        else:  # a runtime made by the caller (tests, benchmarks): they sync it
            app.state.runtime = runtime
            yield

    settings = runtime.settings if runtime is not None else get_settings()
    app = FastAPI(title="KetNoi", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, max_body_size=settings.max_body_bytes,
                  description="Technology-transfer matchmaking: Vietnamese needs ↔ foreign "
                              "technology dossiers, within priority sectors, with reasons.")
    app.state.write_limiter = WriteLimiter(settings.write_rate_limit)
    for module in (dossiers, findings, duplicates, enterprises, needs, sectors, search,
                   introductions, intermediaries, people, transfers, trainings, fdi_projects,
                   plans, progress, reports,
                   events, participants, meeting_requests, meetings, schedule, agendas, outcomes,
                   notifications, saved_searches, audit, health):
        app.include_router(module.router, dependencies=[Depends(authorize)])
    openapi.install(app)
    errors.install(app)
    docs.install(app)
    web.install(app)  # after errors: its error pages wrap the API's handlers
    headers.install(app)

    return app

