"""Introductions (giới thiệu): introduce a dossier, follow it down the pipeline to a contract."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.crud import IdFilter, page
from api.deps import SessionDep
from api.ledger_errors import ledger_errors
from api.security import PolicyDep, related
from api.views import introduction_out, transfer_out
from matcher.auth.policy import Policy
from matcher.ledger.models import (
    Introduction,
    IntroductionCreate,
    IntroductionFromMatch,
    IntroductionPublic,
    IntroductionsPublic,
    StatusChange,
    TransferCreate,
    TransferPublic,
)
from matcher.ledger.service import introduce, introduce_from_match, record_transfer, set_status

router = APIRouter(prefix="/introductions", tags=["introductions"])


@router.get("", response_model=IntroductionsPublic)
def read_introductions(session: SessionDep, policy: PolicyDep,
                       skip: Annotated[int, Query(ge=0)] = 0,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20,
                       enterprise_id: IdFilter = None, dossier_id: IdFilter = None,
                       need_id: IdFilter = None, intermediary_id: IdFilter = None,
                       ) -> IntroductionsPublic:
    """List introductions, optionally of one enterprise, dossier, need or intermediary."""
    where = related(policy, session, Introduction, enterprise_id=enterprise_id,
                    dossier_id=dossier_id, need_id=need_id, intermediary_id=intermediary_id)
    rows, count = page(session, Introduction, skip, limit,
                       policy.introduction_rows(), *where)
    return IntroductionsPublic(data=[introduction_out(session, policy, r) for r in rows],
                               count=count)


@router.get("/{introduction_id}", response_model=IntroductionPublic)
def read_introduction(session: SessionDep, policy: PolicyDep,
                      introduction_id: int) -> IntroductionPublic:
    """One introduction with its status history."""
    return introduction_out(session, policy, policy.introduction(session, introduction_id))


@router.post("", response_model=IntroductionPublic, status_code=201)
def create_introduction(session: SessionDep, policy: PolicyDep,
                        body: IntroductionCreate) -> IntroductionPublic:
    """Record an introduction (or, with suggest_only, a suggestion not yet shown) to an
    enterprise of the caller's jurisdiction."""
    with ledger_errors():
        intro = introduce(session, dossier_id=body.dossier_id, enterprise_id=body.enterprise_id,
                          need_id=body.need_id, intermediary_id=body.intermediary_id,
                          on=body.introduced_on or date.today(), channel=body.channel,
                          actor=body.actor, note=body.note, suggest_only=body.suggest_only,
                          policy=policy)
    session.commit()
    return introduction_out(session, policy, intro)


@router.post("/from-match", response_model=IntroductionPublic, status_code=201)
def create_introduction_from_match(session: SessionDep, policy: PolicyDep,
                                   body: IntroductionFromMatch) -> IntroductionPublic:
    """Introduce a match suggestion's dossier to the enterprise that submitted the need."""
    with ledger_errors():
        intro = introduce_from_match(session, need_id=body.need_id, dossier_id=body.dossier_id,
                                     on=body.introduced_on or date.today(), actor=body.actor,
                                     channel=body.channel, intermediary_id=body.intermediary_id,
                                     note=body.note, policy=policy)
    session.commit()
    return introduction_out(session, policy, intro)


def _writable(session: SessionDep, policy: Policy, introduction_id: int) -> Introduction:
    """The introduction, if the caller may read it (404) and write its enterprise's ledger
    (403)."""
    intro = policy.introduction(session, introduction_id)
    enterprise = policy.enterprise(session, intro.enterprise_id)
    policy.check_jurisdiction_write(enterprise.jurisdiction, "the ledger")
    return intro


@router.post("/{introduction_id}/status", response_model=IntroductionPublic, status_code=201)
def create_status_change(session: SessionDep, policy: PolicyDep, introduction_id: int,
                         body: StatusChange) -> IntroductionPublic:
    """Append a status change; 409 when the pipeline does not allow it."""
    intro = _writable(session, policy, introduction_id)
    with ledger_errors():
        set_status(session, intro, body.status, on=body.happened_on or date.today(),
                   actor=body.actor, note=body.note, decline_reason=body.decline_reason)
    session.commit()
    return introduction_out(session, policy, intro)


@router.post("/{introduction_id}/transfer", response_model=TransferPublic, status_code=201)
def create_transfer(session: SessionDep, policy: PolicyDep, introduction_id: int,
                    body: TransferCreate) -> TransferPublic:
    """Record the signed contract of a negotiating introduction; it becomes `transferred`."""
    intro = _writable(session, policy, introduction_id)
    with ledger_errors():
        transfer = record_transfer(session, intro, body)
    session.commit()
    session.refresh(transfer)
    return transfer_out(policy, transfer)
