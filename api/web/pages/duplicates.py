"""Duplicate dossiers on the dossier page: the sources it keeps, its likely duplicates with a
button to merge each into it (brokers and the Department), and the dossier a merged one was
merged into. Through the API's route functions, so the page shows and does what the API does."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import RuntimeDep
from api.routes.duplicates import (
    MergeRequest,
    get_detector,
    merge_dossier,
    read_dossier_duplicates,
    read_dossier_sources,
)
from api.web.access import PAGES
from api.web.caller import Caller, FormCallerDep
from api.web.i18n import N_
from api.web.pages import terms
from matcher.models.fields import MAX_INT
from matcher.platform.runtime import Runtime
from matcher.services.errors import Invalid

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(terms.read_form)]
SOURCE_NAMES = {
    "national_db": N_("National S&T technology database"),
    "kisti": "KISTI", "kiat": "KIAT", "ipi": "IPI", "imag": "IMAG",
    "shanghai_exchange": N_("Shanghai technology exchange"),
    "techmart": "Techmart", "other": N_("Other source"),
}


def dossier_context(caller: Caller, runtime: Runtime, dossier_id: int) -> dict[str, Any]:
    """What the dossier page shows of duplicates: its sources; for those who merge, its
    likely duplicates."""
    session, policy = caller.session, caller.policy
    duplicates = None
    if caller.user.role in PAGES["dossier_merge"]:
        duplicates = read_dossier_duplicates(session=session, policy=policy,
                                             detector=get_detector(runtime),
                                             dossier_id=dossier_id).data
    sources = read_dossier_sources(session=session, policy=policy, dossier_id=dossier_id).data
    return {"duplicates": duplicates, "sources": sources, "source_names": SOURCE_NAMES}


@router.post("/web/dossiers/{dossier_id}/merge", name="dossier_merge")
def dossier_merge(caller: FormCallerDep, runtime: RuntimeDep, dossier_id: int,
                  form: FormDep) -> Response:
    """Merge dossier `dossier_id` into the one named by the form's `into`, then show the kept
    dossier (a hidden or missing dossier: 404, as on its page)."""
    text = str(form.get("into") or "")
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_INT):
        raise Invalid.at(["body", "into"], "give the id of the dossier kept")
    kept = merge_dossier(session=caller.session, runtime=runtime, policy=caller.policy,
                         dossier_id=dossier_id, body=MergeRequest(into=int(text)))
    return RedirectResponse(f"/web/dossiers/{kept.id}", status_code=303)
