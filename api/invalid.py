"""422 answers raised by hand, in the shape FastAPI gives its own validation errors: a list of
`{"loc": [...], "type": ..., "msg": ...}`, each error located where the client can find it
(`["body", field]`, `["query", field]`, `["body", "file", row, field]`)."""

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import HTTPException


def field_error(loc: Sequence[str | int], msg: str, *, kind: str = "value_error",
                **extra: Any) -> dict[str, Any]:
    """One located error; `extra` keys (an import's `row` and `field`) go before `msg`."""
    return {"loc": list(loc), "type": kind, **extra, "msg": msg}


def unprocessable(errors: Iterable[dict[str, Any]]) -> HTTPException:
    """A 422 listing `errors` (built with `field_error`)."""
    return HTTPException(422, list(errors))


def invalid(loc: Sequence[str | int], msg: str, *, kind: str = "value_error") -> HTTPException:
    """A 422 with the one error `msg` at `loc`."""
    return unprocessable([field_error(loc, msg, kind=kind)])
