"""How the ledger's refusals answer: the context the introductions and ledger routers write in."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException

from matcher.ledger.pipeline import TransitionError
from matcher.ledger.service import LedgerError
from matcher.services.errors import Invalid


@contextmanager
def ledger_errors() -> Iterator[None]:
    """Illegal status changes answer 409, inconsistent references 422 (in the validation-error
    shape the schema documents), both with the reason."""
    try:
        yield
    except TransitionError as exc:
        raise HTTPException(409, str(exc)) from exc
    except LedgerError as exc:
        raise Invalid.at(["body"], str(exc)) from exc
