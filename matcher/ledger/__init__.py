"""The introductions ledger (giới thiệu), transfers, trainings and programme targets."""

from matcher.ledger.pipeline import TransitionError
from matcher.ledger.service import (
    LedgerError,
    introduce,
    introduce_from_match,
    record_introduction,
    record_training,
    record_transfer,
    set_status,
)

__all__ = [
    "LedgerError", "TransitionError", "introduce", "introduce_from_match",
    "record_introduction", "record_training", "record_transfer", "set_status",
]
