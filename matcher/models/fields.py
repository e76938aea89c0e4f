"""Reusable field helpers for the data model: JSON lists, timestamps, code and text checks."""

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import pycountry
from pydantic import AfterValidator
from sqlalchemy import JSON, Column
from sqlmodel import Field

MAX_INT = 2**63 - 1  # the largest integer a database column holds
# A date and time given without a UTC offset is read in the provinces' own time (UTC+7).
LOCAL_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def unique(items: list | None) -> list | None:
    """The items without repeats, each kept where it first appears."""
    return None if items is None else list(dict.fromkeys(items))


def _bounded(field: Any, distinct: bool) -> Any:
    if distinct:
        field.metadata.append(AfterValidator(unique))
    return field


def json_list(description: str = "", max_items: int = 100, distinct: bool = True) -> list:
    """A list field stored as one JSON column, of at most `max_items` items; when `distinct`,
    repeats are dropped (the first kept). Bounded so that no request makes a record, or an
    answer that echoes it, unboundedly long."""
    return _bounded(Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                          description=description, max_length=max_items), distinct)


def list_update(max_items: int = 100, distinct: bool = True) -> Any:
    """The optional list of a partial update (None: unchanged), bounded like `json_list`."""
    return _bounded(Field(None, max_length=max_items), distinct)


def utcnow() -> datetime:
    """Timezone-aware now, for created/updated timestamps."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored moment with its time zone: SQLite returns naive datetimes, written as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """A moment given as input, in UTC: with its offset as given, or, without one, read as
    Asia/Ho_Chi_Minh time (`2026-11-24T09:00` is 02:00 UTC). The first and last moments a
    datetime holds stay the first and last in UTC (their shift would leave the calendar)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=LOCAL_TIME_ZONE)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        edge = datetime.min if moment.year == datetime.min.year else datetime.max
        return edge.replace(tzinfo=UTC)


def check_text(value: Any) -> Any:
    """Validator for every field of a schema (`field_validator("*")(check_text)`): a text, or
    each text of a list, must hold no NUL character (PostgreSQL cannot store one; pydantic
    itself refuses lone surrogates); other values pass unchanged."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        raise ValueError("must not contain NUL characters (\\u0000)")
    return value


def check_country(code: str) -> str:
    """Return an ISO 3166-1 alpha-2 code upper-cased, or raise ValueError naming it."""
    code = code.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code")
    return code


def check_currency(code: str) -> str:
    """Return an ISO 4217 currency code upper-cased, or raise ValueError naming it."""
    code = code.strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"'{code}' is not an ISO 4217 currency code")
    return code


@cache
def _time_zones() -> frozenset[str]:
    # `localtime` is a file some systems add beside the IANA zones: the host's zone, not one
    return frozenset(available_timezones() - {"localtime"})


def check_timezone(name: str) -> str:
    """Return the name if it is an IANA time zone (`Asia/Ho_Chi_Minh`), or raise ValueError
    naming it."""
    if name not in _time_zones():
        raise ValueError(f"'{name}' is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)")
    return name


def check_transfer_modes(modes: list[str]) -> list[str]:
    """Return the modes if each is a known transfer mode, or raise ValueError naming it."""
    from matcher.models.enums import TransferMode

    known = {m.value for m in TransferMode}
    for mode in modes:
        if mode not in known:
            raise ValueError(f"unknown transfer mode '{mode}': "
                             f"use one of {', '.join(sorted(known))}")
    return list(modes)
