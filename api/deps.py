"""Dependencies handlers receive: the runtime, a database session, the match service."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from matcher.platform.runtime import Runtime
from matcher.search.matches import MatchService


def get_runtime(request: Request) -> Runtime:
    """The runtime built when the app started (stored on app.state)."""
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep, request: Request) -> Iterator[Session]:
    """A database session per request (one per request: FastAPI caches it, so `authorize` and
    the handler share it); its writes are audited under the caller `authorize` names."""
    with runtime.session() as session:
        session.info["actor"] = "anonymous"
        session.info["request"] = f"{request.method} {request.url.path}"
        yield session


def get_matches(runtime: RuntimeDep) -> MatchService:
    return runtime.matches


SessionDep = Annotated[Session, Depends(get_session)]
MatchesDep = Annotated[MatchService, Depends(get_matches)]
