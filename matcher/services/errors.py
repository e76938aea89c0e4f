"""What services raise for bad input: `Invalid` (answered 422, each error at its field) and
`Conflict` (answered 409); the API maps them in `api.errors`, the CLI prints them."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from matcher.auth.policy import Hidden


class Invalid(ValueError):
    """Input with errors located in the request, in the shape of FastAPI's validation errors
    (`loc`, `type`, `msg`)."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                   for e in errors))
        self.errors = errors

    @classmethod
    def at(cls, loc: Sequence[str | int], msg: str, *, kind: str = "value_error") -> "Invalid":
        """One error at `loc` (`["body", field]`, `["query", field]`, `["body", "periods", 2]`)."""
        return cls([field_error(loc, msg, kind=kind)])


def field_error(loc: Sequence[str | int], msg: str, *, kind: str = "value_error",
                **extra: Any) -> dict[str, Any]:
    """One located error; `extra` keys (an import's `row` and `field`) go before `msg`."""
    return {"loc": list(loc), "type": kind, **extra, "msg": msg}


class Conflict(ValueError):
    """A write that collides with stored records (a unique field taken, a record others
    still refer to)."""


@contextmanager
def referenced(field: str, where: str = "body") -> Iterator[None]:
    """A record named by `field` (of the body or the query) that the caller may not see is
    invalid input at that field, word for word as a missing one."""
    try:
        yield
    except Hidden as exc:
        raise Invalid.at([where, field], str(exc)) from exc
