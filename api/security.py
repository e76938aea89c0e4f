"""Authentication, authorization by route and the per-key write rate limit.

`authorize` runs before every route: it reads the `X-API-Key` header, finds the route's rule
in `api.access.RULES` (no rule: refused), checks the caller's role, and counts writes against
the caller's rate limit. Handlers receive the caller's `Policy` (`matcher.auth.policy`), which
decides which records they may see or change.
"""

import threading
import time
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from limits import parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlmodel import Session

from api.access import RULES
from api.deps import RuntimeDep, SessionDep
from matcher.auth.keys import ANONYMOUS, Principal, authenticate
from matcher.auth.policy import Policy
from matcher.platform.db import in_memory
from matcher.platform.rate_limit import DatabaseStorage
from matcher.platform.runtime import Runtime
from matcher.services.errors import referenced

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="An API key from `ketnoi keys create`.")


class WriteLimiter:
    """A moving-window limit on writes per API key (the `limits` library), counted where the
    `rate_limit_storage` setting says: by default in the application database, so that every
    worker process shares one budget per key (see `matcher.platform.rate_limit`)."""

    def __init__(self, limit: str) -> None:
        self.item = parse(limit)
        self._limiter: MovingWindowRateLimiter | None = None
        self._guard = threading.Lock()

    def limiter(self, runtime: Runtime) -> MovingWindowRateLimiter:
        """The limiter on the storage the runtime's settings name (made at the first write)."""
        with self._guard:
            if self._limiter is None:
                self._limiter = MovingWindowRateLimiter(limit_storage(runtime))
            return self._limiter

    def hit(self, who: str, runtime: Runtime) -> int | None:
        """Count one write of `who` (`Principal.limit_key`); None if allowed, else seconds
        until the next one is."""
        limiter = self.limiter(runtime)
        if limiter.hit(self.item, "writes", who):
            return None
        reset = limiter.get_window_stats(self.item, "writes", who).reset_time
        return max(1, int(reset - time.time()) + 1)


def limit_storage(runtime: Runtime) -> Storage:
    """The storage of rate-limit counts: `database` (the application database; in memory when
    that database is itself in one process's memory), `memory`, or a `limits` storage URL
    (`redis://…`)."""
    choice = runtime.settings.rate_limit_storage
    if choice == "memory" or (choice == "database" and in_memory(runtime.engine)):
        return MemoryStorage()
    if choice == "database":
        return DatabaseStorage(runtime.engine)
    storage = storage_from_string(choice)
    if not isinstance(storage, Storage):
        raise ValueError(f"rate_limit_storage {choice!r} names an asyncio storage; "
                         "give the synchronous URL (without `async+`)")
    return storage


def authorize(request: Request, runtime: RuntimeDep, session: SessionDep,
              presented: Annotated[str | None, Security(api_key_header)] = None) -> Principal:
    """The caller, if the route's rule lets them in; 401, 403 or 429 otherwise. The key is
    looked up in the request's own session, whose writes are then audited under the caller."""
    route = request.scope.get("route")
    rule = RULES.get(getattr(route, "name", ""))
    if rule is None:
        raise HTTPException(403, f"route {request.method} {request.url.path} has no access rule")
    principal = ANONYMOUS
    if presented:
        found = authenticate(session, presented)
        if found is None:
            raise HTTPException(401, "invalid or revoked API key",
                                headers={"WWW-Authenticate": "X-API-Key"})
        principal = found
    if principal.role is None:
        if not (rule.open or rule.public and runtime.settings.public_search):
            raise HTTPException(401, "an API key is required (header X-API-Key)",
                                headers={"WWW-Authenticate": "X-API-Key"})
    elif principal.role not in rule.roles:
        raise HTTPException(403, f"role '{principal.role.value}' may not call "
                                 f"{request.method} {route.path}")  # type: ignore[union-attr]
    if request.method in WRITES and principal.limit_key is not None:
        # The count takes a connection of its own (it must commit whatever the request does):
        # end the key lookup's read first, so that a request never holds two connections and
        # a full pool cannot leave every request waiting for a second one.
        session.rollback()
        wait = request.app.state.write_limiter.hit(principal.limit_key, runtime)
        if wait is not None:
            raise HTTPException(429, f"write rate limit {runtime.settings.write_rate_limit} "
                                     f"reached for this key", headers={"Retry-After": str(wait)})
    session.info["actor"] = str(principal)
    return principal


PrincipalDep = Annotated[Principal, Depends(authorize)]


def get_policy(who: PrincipalDep) -> Policy:
    """The access policy of the caller."""
    return Policy(who)


PolicyDep = Annotated[Policy, Depends(get_policy)]



def related(policy: Policy, session: Session, model: Any, **values: int | None) -> list[Any]:
    """Conditions of list filters by related ids, each resolved through the policy: a hidden
    id answers 422 at its query field, word for word as a missing one does."""
    where = []
    for field, value in values.items():
        with referenced(field, "query"):
            where += policy.filter_by(session, model, field, value)
    return where
