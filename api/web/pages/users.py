"""The Department's Users page: people who log in, a form to create one (with a random
password shown once, never stored in clear), and disabling an account.

The same functions as `ketnoi users` (`matcher.auth.users`) do the work, so the web and the
CLI check the same rules; every write is audited under the admin (`caller.session`).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from api.cli_users import new_password
from api.routes.sectors import read_jurisdictions
from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.i18n import N_, translations
from api.web.render import render
from matcher.auth.keys import KeyRequestError
from matcher.auth.models import Role, User
from matcher.auth.users import create_user, disable_user
from matcher.models import Enterprise
from matcher.platform.db import MAX_INT

router = APIRouter(include_in_schema=False)
RecordId = Annotated[int, Path(ge=1, le=MAX_INT)]

# What the services' errors say (`field: English text`), in the words of the form: (field, a
# fragment of the text, message); the first match of the field wins.
REQUEST_MESSAGES = [
    ("email", "exists", N_("An account with this e-mail already exists.")),
    ("email", "", N_("Give an e-mail address, e.g. ten@so-khcn.gov.vn.")),
    ("name", "", N_("Give the person's name.")),
    ("org", "", N_("Give the organisation.")),
    ("enterprise_id", "only enterprise",
     N_("Only enterprise accounts act for an enterprise: leave this empty.")),
    ("enterprise_id", "", N_("An enterprise account acts for one enterprise: choose it.")),
    ("jurisdiction", "unknown", N_("There is no such province.")),
    ("jurisdiction", "", N_("Brokers and organisers work for one province: choose it.")),
]
CHOOSE = N_("Choose one of the options.")


def request_errors(exc: KeyRequestError) -> dict[str, str]:
    """{field: message} for a `KeyRequestError`/`UserRequestError` (`field: text`)."""
    field, _, text = str(exc).partition(": ")
    for name, fragment, message in REQUEST_MESSAGES:
        if name == field and fragment in text:
            return {field: message}
    return {field if text else "__all__": str(exc)}


def scope_choices(caller: Caller) -> dict[str, list[tuple[Any, str]]]:
    """The options of the role, province and enterprise selects (users' and keys' forms)."""
    gettext = translations(caller.lang).gettext
    enterprises = caller.session.exec(select(Enterprise).order_by(col(Enterprise.name))).all()
    return {
        "roles": [(role.value, gettext(role.value)) for role in Role],
        "jurisdictions": [(j.code, f"{j.name} ({j.code})")
                          for j in read_jurisdictions(session=caller.session)],
        "enterprises": [(e.id, f"{e.name} · {e.jurisdiction}") for e in enterprises],
    }


def parse_scope(role: str, jurisdiction: str, enterprise_id: str
                ) -> tuple[Role | None, str | None, int | None, dict[str, str]]:
    """The role, province and enterprise of a form (blank: none), with errors by field."""
    errors: dict[str, str] = {}
    chosen = Role(role) if role in Role.__members__ else None
    if chosen is None:
        errors["role"] = CHOOSE
    enterprise: int | None = None
    if enterprise_id.strip():
        if enterprise_id.strip().isdigit() and len(enterprise_id.strip()) < 12:
            enterprise = int(enterprise_id)
        else:
            errors["enterprise_id"] = CHOOSE
    return chosen, jurisdiction.strip() or None, enterprise, errors


def enterprise_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(Enterprise).where(col(Enterprise.id).in_(wanted))).all()
    return {e.id: e.name for e in rows if e.id is not None}


def users_view(request: Request, caller: Caller, status: int = 200, **context: Any
               ) -> HTMLResponse:
    """The Users page: the list, the create form (with `values` and `errors`), any notice."""
    users = caller.session.exec(select(User).order_by(col(User.id))).all()
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render(request, "admin/users.html", caller, status=status, users=users,
                  names=enterprise_names(caller.session, {u.enterprise_id for u in users}),
                  **scope_choices(caller), **context)


@router.get("/web/users", name="users_page", response_class=HTMLResponse)
def users_page(request: Request, caller: CallerDep,
               disabled: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> Response:
    """Everyone who may log in, with their role and scope, and the form to add someone."""
    gone = caller.session.get(User, disabled) if disabled is not None else None
    return users_view(request, caller, disabled=gone)


@router.post("/web/users", name="user_create", response_class=HTMLResponse)
def user_create(request: Request, caller: FormCallerDep,
                email: Annotated[str, Form(max_length=254)] = "",
                name: Annotated[str, Form(max_length=200)] = "",
                org: Annotated[str, Form(max_length=200)] = "",
                role: Annotated[str, Form(max_length=20)] = "",
                jurisdiction: Annotated[str, Form(max_length=16)] = "",
                enterprise_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Create the account with a random password, shown on the answer only (it is stored
    as an argon2 hash; the person changes it on their account page)."""
    values = {"email": email, "name": name, "org": org, "role": role,
              "jurisdiction": jurisdiction, "enterprise_id": enterprise_id}
    chosen, province, enterprise, errors = parse_scope(role, jurisdiction, enterprise_id)
    password = new_password()
    if chosen is not None and not errors:
        try:
            user = create_user(caller.session, email, name, org, chosen, password, province,
                               enterprise)
        except KeyRequestError as exc:
            caller.session.rollback()
            errors = request_errors(exc)
    if errors:
        return users_view(request, caller, status=422, values=values, errors=errors)
    caller.session.commit()
    response = users_view(request, caller, created=user, password=password)
    response.headers["Cache-Control"] = "no-store"  # the password is in this page only
    return response


@router.post("/web/users/{user_id}/disable", name="user_disable", response_class=HTMLResponse)
def user_disable(request: Request, caller: FormCallerDep, user_id: RecordId) -> Response:
    """Stop the person from logging in; their open sessions end at once. Admins cannot
    disable themselves (the Department would risk having nobody left to let it in)."""
    user = caller.session.get(User, user_id)
    if user is None:
        raise HTTPException(404)
    if user.id == caller.user.id:
        return users_view(request, caller, status=409,
                          problem=N_("You cannot disable your own account."))
    disable_user(caller.session, user)
    caller.session.commit()
    return RedirectResponse(f"/web/users?disabled={user_id}", status_code=303)
