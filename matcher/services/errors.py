"""What services raise for bad input: `Invalid` (answered 422, each error at its field) and
`Conflict` (answered 409); the API maps them in `api.errors`, the CLI prints them."""

from collections.abc import Iterator
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
    def at(cls, field: str, msg: str, where: str = "body",
           kind: str = "value_error") -> "Invalid":
        """One error at `field` of the body (or of the `query`)."""
        return cls([{"loc": [where, field], "type": kind, "msg": msg}])


class Conflict(ValueError):
    """A write that collides with stored records (a unique field taken, a record others
    still refer to)."""


@contextmanager
def referenced(field: str, where: str = "body") -> Iterator[None]:
    """A record named by `field` that the caller may not see is invalid input at that field,
    word for word as a missing one."""
    try:
        yield
    except Hidden as exc:
        raise Invalid.at(field, str(exc), where) from exc
