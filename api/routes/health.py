"""Health of a server process: alive, and ready (its search index caught up with the
database), for load balancers and for `ketnoi serve --workers N` behind one."""

import secrets

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import RuntimeDep

router = APIRouter(prefix="/health", tags=["health"])
INSTANCE = secrets.token_hex(4)  # tells the processes behind one address apart


class Readiness(BaseModel):
    instance: str = Field(description="A random name of the answering process, new at start.")
    ready: bool = Field(description="The index has caught up with the database since start.")
    outbox_position: int = Field(description="The last outbox row this process applied.")
    dossiers: int = Field(description="Dossiers in this process's index (needs are not "
                          "counted: some are confidential, and this answers without a key).")


@router.get("/live")
def read_liveness() -> dict[str, str]:
    """The process answers (nothing more is checked)."""
    return {"status": "alive"}


@router.get("/ready", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Still catching up."}})
def read_readiness(runtime: RuntimeDep) -> JSONResponse:
    """Whether this process's index is current; 503 while it is still catching up after a
    start (searches are answered meanwhile, from the last snapshot)."""
    follower = runtime.follower
    state = Readiness(instance=INSTANCE, ready=follower.ready.is_set(),
                      outbox_position=follower.cursor, dossiers=len(runtime.index.dossiers.docs))
    return JSONResponse(state.model_dump(), status_code=200 if state.ready else 503,
                        headers={} if state.ready else {"Retry-After": "5"})
