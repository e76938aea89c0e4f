"""The web application: server-rendered pages for brokers, enterprises, organisers and the
Department, served by the API's own FastAPI app at `/` and `/web/…` (the JSON API keeps its
paths). Pages log people in with a session cookie (`api.web.caller`) and read and write through
the same services and access policy as the API. Every asset is served from `static/`.
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import errors
from api.web.pages import (
    account,
    admin,
    duplicates,
    event_schedule,
    events,
    findings,
    imports,
    introductions,
    needs,
    notifications,
    progress,
    search,
    validity,
)

STATIC = Path(__file__).parent / "static"
PAGES = (account, search, findings, duplicates, needs, introductions, notifications, imports,
         progress, events, event_schedule, admin, validity)


def install(app: FastAPI) -> None:
    """Add the pages, their assets and their error pages to `app`."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        app.include_router(module.router)
    errors.install(app)
