"""Renewing a dossier or a need from its page (the API's `POST /dossiers/{id}/renew` and
`POST /needs/{id}/renew`, with the caller's policy): a form button, then back to the page."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from api.deps import RuntimeDep
from api.routes.dossiers import renew_dossier
from api.routes.needs import renew_need
from api.web.caller import FormCallerDep

router = APIRouter(include_in_schema=False)


@router.post("/web/dossiers/{dossier_id}/renew", name="dossier_renew")
def dossier_renew(caller: FormCallerDep, runtime: RuntimeDep, dossier_id: int) -> Response:
    """Keep the dossier listed for another period from today (brokers and admins)."""
    renew_dossier(session=caller.session, runtime=runtime, policy=caller.policy,
                  dossier_id=dossier_id)
    return RedirectResponse(f"/web/dossiers/{dossier_id}?renewed=1", status_code=303)


@router.post("/web/needs/{need_id}/renew", name="need_renew")
def need_renew(caller: FormCallerDep, runtime: RuntimeDep, need_id: int) -> Response:
    """Keep the need listed for another period from today (whoever may change it: a hidden
    need is a 404, one the caller reads but may not change a 403, as in the API)."""
    renew_need(session=caller.session, runtime=runtime, policy=caller.policy, need_id=need_id)
    return RedirectResponse(f"/web/needs/{need_id}?renewed=1", status_code=303)
