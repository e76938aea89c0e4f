"""The Department's decision on a screening finding, from the dossier page: confirm, dismiss
or reopen, through the API's own route function (audited like every write)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from api.deps import RuntimeDep
from api.routes.findings import decide_finding
from api.web.caller import FormCallerDep
from api.web.pages import terms
from matcher.models.fields import MAX_INT
from matcher.models.finding import FindingDecision

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(terms.read_form)]
FindingId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.post("/web/findings/{finding_id}/decision", name="finding_decide")
def finding_decide(caller: FormCallerDep, runtime: RuntimeDep, finding_id: FindingId,
                   form: FormDep) -> Response:
    """Record the decision sent by a button of the dossier page, then show the page again."""
    try:
        body = FindingDecision.model_validate({"status": form.get("status"),
                                               "note": str(form.get("note") or "").strip()})
    except ValidationError as exc:  # the buttons send fixed values: only a forged form
        raise HTTPException(422, "unknown decision") from exc
    finding = decide_finding(session=caller.session, runtime=runtime, policy=caller.policy,
                             finding_id=finding_id, body=body)
    return RedirectResponse(f"/web/dossiers/{finding.dossier_id}#screening", status_code=303)
