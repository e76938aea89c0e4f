"""Enterprises' needs: the list, the form to submit and edit one, a need with its suggested
dossiers, and introducing a suggestion (brokers). Every read and write goes through the API's
own route functions or services with the caller's policy."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select
from starlette.datastructures import FormData

from api.access import RULES
from api.deps import RuntimeDep
from api.routes.needs import read_need, read_need_matches, read_needs
from api.views import introduction_out
from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.forms import form_values
from api.web.i18n import N_, translations
from api.web.pages import terms
from api.web.pages.search import match_notice
from api.web.render import render
from matcher.auth.policy import Refused
from matcher.ledger.models import Introduction
from matcher.ledger.pipeline import TransitionError
from matcher.ledger.service import LedgerError, introduce_from_match
from matcher.models import Enterprise, Jurisdiction, Need, NeedCreate, NeedPublic, NeedUpdate
from matcher.models.enums import NeedStatus
from matcher.platform.runtime import Runtime
from matcher.services import needs
from matcher.services.errors import Conflict, Invalid
from matcher.text.vietnamese import fold

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(terms.read_form)]
PER_PAGE = 20
LISTS = ("sector_codes", "preferred_modes")
TEXTS = ("ref", "title", "problem", "desired_result")  # blank on an edit: emptied
NUMBERS = ("budget_min_vnd", "budget_max_vnd", "timeline_months")  # blank on an edit: none
EDITABLE = (*TEXTS, "language", *LISTS, "preferred_countries", *NUMBERS, "confidentiality",
            "status")
DUPLICATE = N_("This dossier was already introduced for this need.")
REFUSED = N_("Your account may not introduce dossiers to this enterprise.")
NOT_INTRODUCED = N_("The introduction could not be recorded.")


# --- reading form input ---------------------------------------------------------------------

def need_input(form: FormData, editing: bool = False) -> dict[str, Any]:
    """The need form's fields as model input: amounts typed the Vietnamese way
    (1.500.000.000 ₫) as numbers, country codes split at commas or spaces; on an edit, a
    field left blank is emptied (texts "", numbers none)."""
    values = form_values(form, LISTS)
    for name in ("budget_min_vnd", "budget_max_vnd"):
        if name in values:
            values[name] = "".join(ch for ch in values[name] if ch not in ". ,\u00a0₫đ")
    if "preferred_countries" in values:
        values["preferred_countries"] = values["preferred_countries"].replace(",", " ").split()
    if editing:
        for name in TEXTS:
            values.setdefault(name, "" if name != "ref" else None)
        for name in (*NUMBERS, *LISTS, "preferred_countries"):
            values.setdefault(name, [] if name in LISTS or name == "preferred_countries"
                              else None)
    values.pop("enterprise_tax_code", None)  # the form chooses by id
    return values


def writable_enterprises(caller: Caller) -> list[Enterprise]:
    """The enterprises the caller may submit needs for (an enterprise user: its own)."""
    rows = caller.session.exec(select(Enterprise).where(caller.policy.enterprise_rows())
                               .order_by(col(Enterprise.name))).all()
    if caller.policy.who.enterprise_id is not None:
        return list(rows)
    return [e for e in rows if caller.policy.writes_in(e.jurisdiction)]


def form_context(caller: Caller, values: dict[str, Any], errors: dict[str, str],
                 need: Need | None = None) -> dict[str, Any]:
    """What the need form shows: the typed values, their errors and the choices."""
    lang = caller.lang
    enterprises = writable_enterprises(caller) if need is None else []
    if need is not None:
        owner = caller.session.get(Enterprise, need.enterprise_id)
        provinces = [owner.jurisdiction] if owner else None
    elif caller.policy.is_admin:
        provinces = None
    else:
        provinces = sorted({e.jurisdiction for e in enterprises})
    return {
        "values": values, "errors": errors, "need": need,
        "choose_enterprise": need is None and caller.policy.who.enterprise_id is None,
        "enterprises": [(e.id, f"{e.name} ({e.jurisdiction})") for e in enterprises],
        "sectors": terms.sector_options(caller.session, lang, provinces,
                                        values.get("sector_codes", [])),
        "modes": terms.labelled(terms.TRANSFER_MODES, lang),
        "levels": terms.labelled(terms.CONFIDENTIALITY, lang),
        "statuses": terms.labelled(terms.NEED_STATUSES, lang),
    }


def shown_values(need: Need) -> dict[str, Any]:
    """A stored need as the form's values (amounts as whole numbers, countries as text)."""
    values = need.model_dump(include=set(EDITABLE))
    for name in ("budget_min_vnd", "budget_max_vnd"):
        if values[name] is not None:
            values[name] = int(values[name])
    values["preferred_countries"] = ", ".join(need.preferred_countries)
    values["confidentiality"] = need.confidentiality.value
    values["status"] = need.status.value
    return values


# --- the list ---------------------------------------------------------------------------------

@router.get("/web/needs", name="needs_page", response_class=HTMLResponse)
def needs_page(request: Request, caller: CallerDep, q: Annotated[str, Query(max_length=300)] = "",
               status: str = "", jurisdiction: Annotated[str, Query(max_length=16)] = "",
               sector: Annotated[str, Query(max_length=16)] = "",
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The needs the caller may read, through the API's `GET /needs` (its filters: words of the
    text with or without diacritics, status, province, sector), in pages of 20."""
    session, policy = caller.session, caller.policy
    number = page
    errors: dict[str, str] = {}
    choose = translations(caller.lang).gettext(N_("Choose one of the options."))
    if status and status not in NeedStatus.__members__:
        errors["status"] = choose
    provinces = session.exec(select(Jurisdiction).order_by(col(Jurisdiction.code))).all()
    if jurisdiction and jurisdiction not in {p.code for p in provinces}:
        errors["jurisdiction"] = choose
    sectors = terms.sector_options(session, caller.lang, [jurisdiction] if jurisdiction else None,
                                   [sector] if sector else [])
    if sector and sector not in {code for code, _ in sectors}:
        errors["sector"] = choose
    shown: list[NeedPublic] = []
    count = 0
    if not errors:
        found = read_needs(session=session, policy=policy, skip=(number - 1) * PER_PAGE,
                           limit=PER_PAGE, enterprise_id=None,
                           status=NeedStatus(status) if status else None,
                           jurisdiction=jurisdiction or None, sector=[sector] if sector else None,
                           q=q if fold(q) else None)
        shown, count = found.data, found.count
    owners = {e.id: e.name for e in session.exec(select(Enterprise).where(
        col(Enterprise.id).in_({n.enterprise_id for n in shown}), policy.enterprise_rows()))}
    return render(
        request, "needs/list.html", caller, status=422 if errors else 200,
        needs=shown, owners=owners, q=q, status_value=status, jurisdiction=jurisdiction,
        sector=sector, errors=errors, count=count, page=number,
        has_next=number * PER_PAGE < count,
        params=[("q", q), ("status", status), ("jurisdiction", jurisdiction),
                ("sector", sector)],
        statuses=terms.labelled(terms.NEED_STATUSES, caller.lang),
        provinces=[(p.code, f"{p.code} · {p.name}") for p in provinces], sectors=sectors,
        show_owner=policy.who.enterprise_id is None, labels=terms.NEED_STATUSES)


# --- submitting and editing -------------------------------------------------------------------

@router.get("/web/needs/new", name="need_new_page", response_class=HTMLResponse)
def need_new_page(request: Request, caller: CallerDep) -> Response:
    values = {"language": "vi", "confidentiality": "public"}
    return render(request, "needs/form.html", caller, **form_context(caller, values, {}))


@router.post("/web/needs", name="need_create", response_class=HTMLResponse)
def need_create(request: Request, caller: FormCallerDep, runtime: RuntimeDep,
                form: FormDep) -> Response:
    """Submit a need through the API's service (an enterprise user's is its own enterprise's;
    a broker chooses among the enterprises they write for); errors next to their fields."""
    values = need_input(form)
    if caller.policy.who.enterprise_id is not None:
        values.pop("enterprise_id", None)  # its own, whatever the form says
    session = caller.session
    try:
        body = NeedCreate.model_validate(values)
        need = needs.create_need(session, caller.policy, body)
        runtime.commit(session, f"need ref '{body.ref}'")
    except (ValidationError, Invalid) as exc:
        session.rollback()
        return _form_again(request, caller, values, terms.worded_errors(exc, caller.lang))
    except Refused:
        session.rollback()
        return _form_again(request, caller, values,
                           {"enterprise_id": _t(caller, terms.OWN_MESSAGES["enterprise_id"])})
    except Conflict:
        return _form_again(request, caller, values,
                           {"ref": _t(caller, N_("This reference is already taken."))})
    return RedirectResponse(f"/web/needs/{need.id}", status_code=303)


@router.get("/web/needs/{need_id}/edit", name="need_edit_page", response_class=HTMLResponse)
def need_edit_page(request: Request, caller: CallerDep, need_id: int) -> Response:
    """The form with the need's values; 404 for a need the caller does not read in full, 403
    for one it may not change."""
    need = _writable(caller, need_id)
    return render(request, "needs/form.html", caller,
                  **form_context(caller, shown_values(need), {}, need))


@router.post("/web/needs/{need_id}", name="need_update", response_class=HTMLResponse)
def need_update(request: Request, caller: FormCallerDep, runtime: RuntimeDep, need_id: int,
                form: FormDep) -> Response:
    """Change a need through the API's service (`PATCH /needs/{id}`): only the fields that
    changed are sent, so the policy judges exactly what changes."""
    need = _writable(caller, need_id)
    values = need_input(form, editing=True)
    session = caller.session
    try:
        typed = NeedUpdate.model_validate({k: v for k, v in values.items() if k in EDITABLE})
        changes = {k: v for k, v in typed.model_dump(include=set(values) & set(EDITABLE)).items()
                   if v != getattr(need, k)}
        needs.update_need(session, caller.policy, need_id, changes)
        runtime.commit(session, f"need ref '{need.ref}'")
    except (ValidationError, Invalid) as exc:
        session.rollback()
        return _form_again(request, caller, values, terms.worded_errors(exc, caller.lang),
                           _writable(caller, need_id))
    except Refused:
        session.rollback()
        return _form_again(request, caller, values, {"confidentiality": _t(caller, N_(
            "Only the Department or the enterprise itself may make a need more public."))},
            _writable(caller, need_id))
    except Conflict:
        return _form_again(request, caller, values,
                           {"ref": _t(caller, N_("This reference is already taken."))},
                           _writable(caller, need_id))
    return RedirectResponse(f"/web/needs/{need_id}", status_code=303)


def _writable(caller: Caller, need_id: int) -> Need:
    """The need, if the caller reads it in full (else 404) and may change it (else 403)."""
    need = caller.policy.need(caller.session, need_id, full=True)
    owner = caller.policy.enterprise(caller.session, need.enterprise_id)
    caller.policy.check_need_write(need, owner, {})
    return need


def _form_again(request: Request, caller: Caller, values: dict[str, Any],
                errors: dict[str, str], need: Need | None = None) -> Response:
    shown = dict(values)
    if isinstance(shown.get("preferred_countries"), list):
        shown["preferred_countries"] = ", ".join(shown["preferred_countries"])
    return render(request, "needs/form.html", caller, status=422,
                  **form_context(caller, shown, errors, need))


def _t(caller: Caller, message: str) -> str:
    return translations(caller.lang).gettext(message)


# --- one need, its suggestions, introducing one -------------------------------------------------

def need_view(request: Request, caller: Caller, runtime: Runtime, need_id: int,
              status: int = 200, problem: str | None = None,
              existing: int | None = None) -> Response:
    """The need as the API shows it to the caller, and its suggestions (`GET
    /needs/{id}/matches`); brokers who write in its province get an Introduce button."""
    session, policy = caller.session, caller.policy
    need: NeedPublic = read_need(session=session, policy=policy, need_id=need_id)
    matches = read_need_matches(session=session, runtime=runtime, policy=policy,
                                need_id=need_id, limit=10, origin_country=None,
                                transfer_mode=None, min_trl=None)
    owner = None
    if need.enterprise_id is not None:
        owner = policy.enterprise(session, need.enterprise_id)
    may_introduce = (caller.user.role in RULES["create_introduction_from_match"].roles
                     and owner is not None and policy.writes_in(owner.jurisdiction))
    introduced = {}
    if policy.sees_identities():
        introduced = {i.dossier_id: i.id for i in session.exec(select(Introduction).where(
            Introduction.need_id == need_id, policy.introduction_rows()))}
    may_edit = True
    try:
        _writable(caller, need_id)
    except Refused:
        may_edit = False
    return render(
        request, "needs/need.html", caller, status=status, need=need, owner=owner,
        matches=matches, notice=match_notice(matches), may_introduce=may_introduce,
        may_edit=may_edit, introduced=introduced, problem=problem, existing=existing,
        sector_names=terms.sector_names(session, caller.lang), modes=terms.TRANSFER_MODES,
        levels=terms.CONFIDENTIALITY, labels=terms.NEED_STATUSES,
        country_name=lambda c: terms.country_name(c, caller.lang))


@router.get("/web/needs/{need_id}", name="need_page", response_class=HTMLResponse)
def need_page(request: Request, caller: CallerDep, runtime: RuntimeDep,
              need_id: int) -> Response:
    return need_view(request, caller, runtime, need_id)


@router.post("/web/needs/{need_id}/introduce", name="need_introduce",
             response_class=HTMLResponse)
def need_introduce(request: Request, caller: FormCallerDep, runtime: RuntimeDep, need_id: int,
                   form: FormDep) -> Response:
    """Introduce a suggested dossier to the need's enterprise through the service of `POST
    /introductions/from-match`; a dossier already introduced for this need, or a refusal, is
    said on the need page."""
    session, policy = caller.session, caller.policy
    policy.need(session, need_id)  # a hidden need is a 404, as on its page
    text = str(form.get("dossier_id") or "")
    dossier_id = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0
    already = session.exec(select(Introduction).where(
        Introduction.need_id == need_id, Introduction.dossier_id == dossier_id,
        policy.introduction_rows())).first()
    if already is not None:
        return need_view(request, caller, runtime, need_id, 409, DUPLICATE, already.id)
    try:
        intro = introduce_from_match(session, need_id=need_id, dossier_id=dossier_id,
                                     on=date.today(), actor=caller.user.name,
                                     note="introduced from a match suggestion (web)",
                                     policy=policy)
        session.commit()
    except Refused:
        session.rollback()
        return need_view(request, caller, runtime, need_id, 403, REFUSED)
    except (LedgerError, TransitionError):
        session.rollback()
        return need_view(request, caller, runtime, need_id, 422, NOT_INTRODUCED)
    shown = introduction_out(session, policy, intro)
    return RedirectResponse(f"/web/introductions/{shown.id}", status_code=303)
