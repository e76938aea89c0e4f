"""Writing the ledger: introduce a dossier, change its status, record a transfer or a training.

Every function resolves references through the caller's access policy (a record the caller may
not see is refused exactly like a missing one), checks that the caller writes in the
enterprise's jurisdiction, flushes, and leaves the commit to the caller.
"""

from datetime import date

from sqlmodel import Session

from matcher.auth.policy import Hidden, Policy
from matcher.ledger.models import (
    DeclineReason,
    Intermediary,
    Introduction,
    IntroductionChannel,
    IntroductionStatus,
    Training,
    TrainingCreate,
    TrainingParticipant,
    Transfer,
    TransferCreate,
)
from matcher.ledger.pipeline import TransitionError, change_status, status_of


class LedgerError(ValueError):
    """A record that refers to something missing or inconsistent (the API answers 422)."""


def _require(session: Session, model: type, record_id: int | None, label: str) -> None:
    if record_id is not None and session.get(model, record_id) is None:
        raise LedgerError(f"no {label} with id {record_id}")


def _resolve(resolve, session: Session, record_id: int | None):
    """The record through the policy; a hidden or missing one is a LedgerError."""
    try:
        return resolve(session, record_id)
    except Hidden as exc:
        raise LedgerError(str(exc)) from exc


def introduce(session: Session, *, dossier_id: int, enterprise_id: int,
              need_id: int | None = None, intermediary_id: int | None = None, on: date,
              channel: str | IntroductionChannel, actor: str, note: str = "",
              suggest_only: bool = False, ref: str | None = None,
              policy: Policy) -> Introduction:
    """Record that a dossier was introduced (or, with suggest_only, suggested) to an enterprise.

    The introduction starts with one event, `introduced` on `on` (or `suggested`). Raises
    `Refused` when `policy` does not write in the enterprise's jurisdiction."""
    if dossier_id is None or enterprise_id is None:
        raise LedgerError("an introduction needs a dossier and an enterprise")
    _resolve(policy.dossier, session, dossier_id)
    enterprise = _resolve(policy.enterprise, session, enterprise_id)
    _require(session, Intermediary, intermediary_id, "intermediary")
    if need_id is not None:
        need = _resolve(policy.need, session, need_id)
        if need.enterprise_id != enterprise_id:
            raise LedgerError(f"need {need_id} belongs to enterprise {need.enterprise_id}, "
                              f"not {enterprise_id}")
    policy.check_jurisdiction_write(enterprise.jurisdiction, "the ledger")
    try:
        channel = IntroductionChannel(channel)
    except ValueError as exc:
        raise LedgerError(f"unknown channel '{channel}': use direct, event or online") from exc
    introduction = Introduction(dossier_id=dossier_id, enterprise_id=enterprise_id,
                                need_id=need_id, intermediary_id=intermediary_id,
                                channel=channel, ref=ref)
    session.add(introduction)
    session.flush()
    first = IntroductionStatus.suggested if suggest_only else IntroductionStatus.introduced
    change_status(session, introduction, first, on=on, actor=actor, note=note)
    return introduction


def record_introduction(session: Session, *, dossier_id: int, enterprise_id: int,
                        need_id: int | None = None, channel: str = "event", note: str = "",
                        on: date | None = None, actor: str = "events",
                        intermediary_id: int | None = None,
                        policy: Policy) -> Introduction:
    """The hook the events module calls when a B2B meeting is held (date default today)."""
    return introduce(session, dossier_id=dossier_id, enterprise_id=enterprise_id,
                     need_id=need_id, intermediary_id=intermediary_id, on=on or date.today(),
                     channel=channel, actor=actor, note=note, policy=policy)


def introduce_from_match(session: Session, *, need_id: int, dossier_id: int, on: date,
                         actor: str,
                         channel: str | IntroductionChannel = IntroductionChannel.direct,
                         intermediary_id: int | None = None, note: str = "",
                         policy: Policy) -> Introduction:
    """Introduce a suggested dossier to the enterprise that submitted the need."""
    need = _resolve(policy.need, session, need_id)
    return introduce(session, dossier_id=dossier_id, enterprise_id=need.enterprise_id,
                     need_id=need_id, intermediary_id=intermediary_id, on=on, channel=channel,
                     actor=actor, note=note or "introduced from a match suggestion",
                     policy=policy)


def set_status(session: Session, introduction: Introduction, status: IntroductionStatus,
               *, on: date, actor: str, note: str = "",
               decline_reason: DeclineReason | None = None) -> None:
    """Change the status; a transfer must be recorded with `record_transfer` instead."""
    if status == IntroductionStatus.transferred:
        raise TransitionError("record the signed contract (POST …/transfer) to mark a transfer")
    change_status(session, introduction, status, on=on, actor=actor, note=note,
                  decline_reason=decline_reason)


def record_transfer(session: Session, introduction: Introduction, body: TransferCreate
                    ) -> Transfer:
    """The signed contract of a negotiating introduction; moves it to `transferred`."""
    if status_of(session, introduction) != IntroductionStatus.negotiating:
        raise TransitionError(f"introduction {introduction.id} is "
                              f"{status_of(session, introduction)}, not negotiating; "
                              f"a contract follows negotiation")
    if body.registration_date and body.registration_date < body.contract_date:
        raise LedgerError("registration_date must not be before contract_date")
    change_status(session, introduction, IntroductionStatus.transferred, on=body.contract_date,
                  actor=body.actor, note=body.note)
    transfer = Transfer.model_validate(
        body.model_dump(exclude={"actor", "note"}),
        update={"introduction_id": introduction.id, "dossier_id": introduction.dossier_id,
                "enterprise_id": introduction.enterprise_id})
    session.add(transfer)
    session.flush()
    return transfer


def record_training(session: Session, body: TrainingCreate,
                    *, policy: Policy) -> Training:
    """A course with its participants, in a jurisdiction the caller writes in."""
    policy.check_jurisdiction_write(body.jurisdiction, "trainings")
    _require(session, Intermediary, body.organiser_id, "intermediary")
    training = Training.model_validate(body.model_dump(exclude={"participants"}))
    session.add(training)
    session.flush()
    assert training.id is not None
    for person in body.participants:
        session.add(TrainingParticipant(training_id=training.id, **person.model_dump()))
    session.flush()
    return training
