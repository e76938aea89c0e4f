"""The pipeline's words on pages: statuses, decline reasons, transfer modes and channels for
people, and why a step or a transfer is refused, in the page's language.

The rules themselves are `matcher.ledger.pipeline`'s; this module only explains them. A refusal
is explained from the introduction's events and what was asked (the service has already said
no), falling back to the service's own message.
"""

from collections.abc import Sequence

from api.web.i18n import N_
from matcher.ledger.models import (
    DeclineReason,
    IntroductionChannel,
    IntroductionEvent,
    IntroductionStatus,
    StatusChange,
)
from matcher.ledger.pipeline import FINAL, FORWARD, allowed, current_status
from matcher.ledger.service import LedgerError
from matcher.models.enums import TransferMode

S = IntroductionStatus
STATUSES = {
    S.suggested: N_("Suggested"),
    S.introduced: N_("Introduced"),
    S.interested: N_("Interested"),
    S.negotiating: N_("Negotiating"),
    S.transferred: N_("Transferred"),
    S.stalled: N_("Stalled"),
    S.declined: N_("Declined"),
}
BOARD_ORDER = list(STATUSES)  # the board's columns, left to right
STEP_ORDER = [S.introduced, S.interested, S.negotiating, S.transferred, S.stalled, S.declined,
              S.suggested]
DECLINE_REASONS = {
    DeclineReason.too_early_stage: N_("Technology at too early a stage"),
    DeclineReason.benefit_unclear: N_("Benefit unclear"),
    DeclineReason.cost: N_("Cost"),
    DeclineReason.absorptive_capacity: N_("Capacity to absorb the technology"),
    DeclineReason.ip_terms: N_("Intellectual property terms"),
    DeclineReason.other: N_("Other"),
}
TRANSFER_MODES = {
    TransferMode.licence: N_("Licence"),
    TransferMode.equipment_with_know_how: N_("Equipment with know-how"),
    TransferMode.turnkey: N_("Turnkey"),
    TransferMode.joint_venture: N_("Joint venture"),
    TransferMode.rd_cooperation: N_("R&D cooperation"),
    TransferMode.consulting_training: N_("Consulting and training"),
    TransferMode.commercial_agreement: N_("Commercial agreement"),
}
CHANNELS = {
    IntroductionChannel.direct: N_("Direct"),
    IntroductionChannel.event: N_("At an event"),
    IntroductionChannel.online: N_("Online"),
}


def refusal(events: Sequence[IntroductionEvent], status: IntroductionStatus) -> str:
    """Why the pipeline does not allow `status` next (a message for the catalogue)."""
    current = current_status(events)
    if current in FINAL:
        return N_("The introduction is closed: transferred and declined are final.")
    if status == S.transferred:
        return N_("A contract follows negotiation: move the introduction to negotiating first.")
    if status == S.suggested:
        return N_("An introduction does not go back to suggested.")
    if current == S.stalled:
        return N_("A stalled introduction resumes at the stage it stalled in, or the next one.")
    if current is not None and status in FORWARD and current in FORWARD \
            and FORWARD.index(status) < FORWARD.index(current):
        return N_("The pipeline does not go back.")
    return N_("One step at a time: the next stage comes first.")


def step_error(events: Sequence[IntroductionEvent], change: StatusChange,
               exc: Exception) -> dict[str, str]:
    """{field: why} for a status change the pipeline refused."""
    if change.status == S.transferred:
        return {"status": N_("Record the signed contract with the transfer form to mark a "
                             "transfer.")}
    if change.status not in allowed(events):
        return {"status": refusal(events, change.status)}
    if change.status == S.declined and change.decline_reason is None:
        return {"decline_reason": N_("A decline needs a reason.")}
    if change.status != S.declined and change.decline_reason is not None:
        return {"decline_reason": N_("Only a decline takes a reason.")}
    if events and change.happened_on and change.happened_on < events[-1].happened_on:
        return {"happened_on": N_("The date is before the last status change.")}
    return {"status": str(exc)}


def transfer_error(events: Sequence[IntroductionEvent], exc: Exception) -> dict[str, str]:
    """{field: why} for a transfer the ledger refused."""
    if isinstance(exc, LedgerError) and "registration_date" in str(exc):
        return {"registration_date": N_("The registration date must not be before the "
                                        "contract date.")}
    if current_status(events) != S.negotiating:
        return {"contract_date": N_("A contract follows negotiation: move the introduction "
                                    "to negotiating first.")}
    if events and "before the last status change" in str(exc):
        return {"contract_date": N_("The date is before the last status change.")}
    return {"contract_date": str(exc)}
