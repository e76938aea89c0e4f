"""Reusable field helpers for the data model: JSON lists, timestamps, code and text checks."""

from datetime import UTC, datetime
from typing import Any

import pycountry
from sqlalchemy import JSON, Column
from sqlmodel import Field


def json_list(description: str = "") -> list:
    """A list field stored as one JSON column."""
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False),
                 description=description)


def utcnow() -> datetime:
    """Timezone-aware now, for created/updated timestamps."""
    return datetime.now(UTC)


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


def check_transfer_modes(modes: list[str]) -> list[str]:
    """Return the modes if each is a known transfer mode, or raise ValueError naming it."""
    from matcher.models.enums import TransferMode

    known = {m.value for m in TransferMode}
    for mode in modes:
        if mode not in known:
            raise ValueError(f"unknown transfer mode '{mode}': "
                             f"use one of {', '.join(sorted(known))}")
    return list(modes)
