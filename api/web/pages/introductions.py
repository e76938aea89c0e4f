"""The introductions pipeline: the board by status, each introduction with its history, and the
form of its next step or of its signed transfer.

Pages read through the API's own route functions (`api.routes.introductions`) and write through
the ledger's services with the caller's policy, so a page shows and changes exactly what the
API would. Why a step is not possible is said in the page's language (`pipeline_labels`).
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api.crud import IdFilter
from api.routes import introductions as api
from api.web.access import PAGES
from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.forms import field_errors
from api.web.pages import pipeline_labels as labels
from api.web.render import render
from matcher.auth.policy import Hidden, Policy
from matcher.ledger.models import (
    IntroductionPublic,
    IntroductionStatus,
    StatusChange,
    TransferCreate,
)
from matcher.ledger.pipeline import (
    FINAL,
    TransitionError,
    allowed,
    current_status,
    events_of,
)
from matcher.ledger.service import LedgerError, record_transfer, set_status
from matcher.models import Enterprise
from matcher.services.errors import Invalid

router = APIRouter(include_in_schema=False)
PER_PAGE = 100  # cards on one board page (the API's largest page)
Text = Annotated[str, Form(max_length=2_000)]


@dataclass
class Card:
    """One introduction as the board and its page show it: names only where the policy shows
    them (organisers get no need and no enterprise)."""

    id: int
    ref: str | None
    status: IntroductionStatus
    dossier: str
    need: str | None
    enterprise: str | None
    since: date | None


def card(session: Session, policy: Policy, shown: IntroductionPublic) -> Card:
    """The card of an introduction as the API answered it to `policy` (`introduction_out`)."""
    need = None
    if shown.need_id is not None:
        record = policy.need(session, shown.need_id)
        need = policy.shown(session, record, record.title) or None
    enterprise = None
    if shown.enterprise_id is not None:
        enterprise = policy.enterprise(session, shown.enterprise_id).name
    since = shown.events[-1].happened_on if shown.events else shown.introduced_on
    try:
        title = policy.dossier(session, shown.dossier_id).title
    except Hidden:  # blocked by a prohibited screening finding since it was introduced
        title = "—"
    return Card(shown.id, shown.ref, shown.status, title, need, enterprise, since)


@router.get("/web/introductions", name="introductions_page", response_class=HTMLResponse)
def introductions_page(request: Request, caller: CallerDep,
                       page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                       need_id: IdFilter = None, dossier_id: IdFilter = None) -> Response:
    """The board: a column per status, the newest introductions first (`PER_PAGE` a page)."""
    session, policy = caller.session, caller.policy
    filters: dict[str, Any] = {"enterprise_id": None, "dossier_id": dossier_id,
                               "need_id": need_id, "intermediary_id": None}
    count = api.read_introductions(session, policy, skip=0, limit=1, **filters).count
    end = count - (page - 1) * PER_PAGE  # pages count from the newest: the API's from the oldest
    shown: list[IntroductionPublic] = []
    if end > 0:
        start = max(0, end - PER_PAGE)
        shown = api.read_introductions(session, policy, skip=start, limit=end - start,
                                       **filters).data[::-1]
    columns: dict[IntroductionStatus, list[Card]] = {s: [] for s in labels.BOARD_ORDER}
    for item in shown:
        columns[item.status].append(card(session, policy, item))
    params = {k: v for k, v in (("need_id", need_id), ("dossier_id", dossier_id)) if v}
    return render(request, "introductions/board.html", caller, columns=columns, count=count,
                  page=page, has_next=page * PER_PAGE < count, params=params,
                  statuses=labels.STATUSES)


def _actor(caller: Caller) -> str:
    """Who recorded a change, as the ledger keeps it."""
    return f"{caller.user.name} ({caller.user.org})"[:200]


def _detail(request: Request, caller: Caller, introduction_id: int, status: int = 200,
            errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
            transfer_errors: dict[str, str] | None = None,
            transfer_values: dict[str, str] | None = None, done: str | None = None) -> Response:
    """The introduction's page: its card, its history and, for brokers who write its ledger,
    the allowed next steps, the steps not possible with why, and the transfer form."""
    session, policy = caller.session, caller.policy
    shown = api.read_introduction(session, policy, introduction_id)  # Hidden: 404
    intro = policy.introduction(session, introduction_id)
    events = events_of(session, introduction_id)
    enterprise = session.get(Enterprise, intro.enterprise_id)
    writes = (caller.user.role in PAGES["introduction_step"]
              and policy.writes_in(enterprise.jurisdiction if enterprise else None))
    ok = allowed(events)
    current = current_status(events)
    steps = [s for s in labels.STEP_ORDER if s in ok and s != IntroductionStatus.transferred]
    closed = labels.refusal(events, current) if current in FINAL else None
    blocked = [] if closed else [(s, labels.refusal(events, s)) for s in labels.STEP_ORDER
                                 if s not in ok and s != current]
    intermediary = (policy.intermediary(session, shown.intermediary_id).name
                    if shown.intermediary_id else None)
    today = date.today().isoformat()
    return render(request, "introductions/introduction.html", caller, status=status,
                  item=card(session, policy, shown), shown=shown, intermediary=intermediary,
                  writes=writes, steps=steps, blocked=blocked, closed=closed,
                  can_transfer=IntroductionStatus.transferred in ok,
                  errors=errors or {}, values=values or {"happened_on": today},
                  transfer_errors=transfer_errors or {},
                  transfer_values=transfer_values or {"contract_date": today, "currency": "VND"},
                  done=done, statuses=labels.STATUSES, reasons=labels.DECLINE_REASONS,
                  modes=labels.TRANSFER_MODES, channels=labels.CHANNELS)


@router.get("/web/introductions/{introduction_id}", name="introduction_page",
            response_class=HTMLResponse)
def introduction_page(request: Request, caller: CallerDep, introduction_id: int,
                      done: str | None = None) -> Response:
    return _detail(request, caller, introduction_id,
                   done=done if done in ("step", "transfer") else None)


def _filled(**fields: str) -> dict[str, str]:
    """The fields the form filled (blank ones left out, so the models apply their defaults)."""
    return {name: value.strip() for name, value in fields.items() if value and value.strip()}


def amount(text: str) -> str:
    """A money amount as Vietnamese write it (1.250.000.000 or 1 250 000,5) in the plain form
    the model reads (1250000000, 1250000.5); other text is left for the model to refuse."""
    cleaned = text.replace(" ", "").replace("\xa0", "").replace(".", "").replace(",", ".")
    return cleaned if cleaned.replace(".", "", 1).isdigit() else text


@router.post("/web/introductions/{introduction_id}/step", name="introduction_step",
             response_class=HTMLResponse)
def introduction_step(request: Request, caller: FormCallerDep, introduction_id: int,
                      action: Annotated[str, Form(max_length=20)] = "step",
                      status: Annotated[str, Form(max_length=40)] = "",
                      happened_on: Annotated[str, Form(max_length=40)] = "",
                      decline_reason: Annotated[str, Form(max_length=40)] = "",
                      note: Text = "",
                      contract_date: Annotated[str, Form(max_length=40)] = "",
                      value: Annotated[str, Form(max_length=40)] = "",
                      currency: Annotated[str, Form(max_length=10)] = "",
                      mode: Annotated[str, Form(max_length=40)] = "",
                      registration_number: Annotated[str, Form(max_length=200)] = "",
                      registration_date: Annotated[str, Form(max_length=40)] = "",
                      transfer_note: Text = "") -> Response:
    """Record the next status (`action=step`, as POST /introductions/{id}/status) or the signed
    contract (`action=transfer`, as POST /introductions/{id}/transfer). A value the models or
    the pipeline refuse shows the page again with the reason at its field (422)."""
    session, policy = caller.session, caller.policy
    intro = api._writable(session, policy, introduction_id)  # Hidden: 404; Refused: 403
    events = events_of(session, introduction_id)
    if action == "transfer":
        values = _filled(contract_date=contract_date, value=value, currency=currency, mode=mode,
                         registration_number=registration_number,
                         registration_date=registration_date, transfer_note=transfer_note)
        try:
            body = TransferCreate.model_validate(
                {**values, "value": amount(values.get("value", "")) or None,
                 "note": values.get("transfer_note", ""), "actor": _actor(caller)})
            record_transfer(session, intro, body)
        except (ValidationError, Invalid) as exc:
            errors = field_errors(exc, caller.lang)
            if "note" in errors:
                errors["transfer_note"] = errors.pop("note")
            return _refused(request, caller, introduction_id, transfer=values, errors=errors)
        except (TransitionError, LedgerError) as exc:
            return _refused(request, caller, introduction_id, transfer=values,
                            errors=labels.transfer_error(events, exc))
    else:
        values = _filled(status=status, happened_on=happened_on, decline_reason=decline_reason,
                         note=note)
        try:
            change = StatusChange.model_validate({**values, "actor": _actor(caller)})
            set_status(session, intro, change.status, on=change.happened_on or date.today(),
                       actor=change.actor, note=change.note,
                       decline_reason=change.decline_reason)
        except (ValidationError, Invalid) as exc:
            return _refused(request, caller, introduction_id, step=values,
                            errors=field_errors(exc, caller.lang))
        except TransitionError as exc:
            return _refused(request, caller, introduction_id, step=values,
                            errors=labels.step_error(events, change, exc))
    session.commit()
    done = "transfer" if action == "transfer" else "step"
    return RedirectResponse(f"/web/introductions/{introduction_id}?done={done}", status_code=303)


def _refused(request: Request, caller: Caller, introduction_id: int, errors: dict[str, str],
             step: dict[str, str] | None = None, transfer: dict[str, str] | None = None
             ) -> Response:
    """The introduction's page again, nothing written, the errors at the form that was sent."""
    caller.session.rollback()
    if transfer is not None:
        return _detail(request, caller, introduction_id, status=422, transfer_errors=errors,
                       transfer_values=transfer)
    return _detail(request, caller, introduction_id, status=422, errors=errors, values=step)

