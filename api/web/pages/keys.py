"""The Department's API keys page: keys issued (their public prefix only, never a secret), a
form to issue one (its secret shown once: only its SHA-256 is stored) and revoking a key.

The same functions as `ketnoi keys` (`matcher.auth.keys`) do the work; they commit
themselves, in the caller's session, so the audit log names the admin.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import col, select

from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.pages.users import (
    RecordId,
    enterprise_names,
    parse_scope,
    request_errors,
    scope_choices,
)
from api.web.render import render
from matcher.auth.keys import KeyRequestError, create_key, revoke_key
from matcher.auth.models import ApiKey

router = APIRouter(include_in_schema=False)


def keys_view(request: Request, caller: Caller, status: int = 200, **context: Any
              ) -> HTMLResponse:
    """The API keys page: the list, the issue form (with `values` and `errors`), any notice."""
    keys = caller.session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render(request, "admin/keys.html", caller, status=status, keys=keys,
                  names=enterprise_names(caller.session, {k.enterprise_id for k in keys}),
                  **scope_choices(caller), **context)


@router.get("/web/keys", name="keys_page", response_class=HTMLResponse)
def keys_page(request: Request, caller: CallerDep) -> Response:
    """Keys issued, as `ketnoi keys list` shows them, and the form to issue one."""
    return keys_view(request, caller)


@router.post("/web/keys", name="key_create", response_class=HTMLResponse)
def key_create(request: Request, caller: FormCallerDep,
               role: Annotated[str, Form(max_length=20)] = "",
               org: Annotated[str, Form(max_length=200)] = "",
               jurisdiction: Annotated[str, Form(max_length=16)] = "",
               enterprise_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Issue a key; its secret is on this answer only."""
    values = {"role": role, "org": org, "jurisdiction": jurisdiction,
              "enterprise_id": enterprise_id}
    chosen, province, enterprise, errors = parse_scope(role, jurisdiction, enterprise_id)
    if chosen is not None and not errors:
        try:
            key, secret = create_key(caller.session, chosen, org, province, enterprise)
        except KeyRequestError as exc:
            caller.session.rollback()
            errors = request_errors(exc)
    if errors:
        return keys_view(request, caller, status=422, values=values, errors=errors)
    response = keys_view(request, caller, created=key, secret=secret)
    response.headers["Cache-Control"] = "no-store"  # the secret is in this page only
    return response


@router.post("/web/keys/{key_id}/revoke", name="key_revoke")
def key_revoke(caller: FormCallerDep, key_id: RecordId) -> Response:
    """Revoke a key: the API answers 401 to it from now on."""
    try:
        revoke_key(caller.session, key_id)
    except LookupError as exc:
        raise HTTPException(404) from exc
    return RedirectResponse(f"/web/keys?revoked={key_id}", status_code=303)
