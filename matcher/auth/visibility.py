"""Who sees which need, and how: in full, anonymised (no enterprise identity), or not at all.

- admins see every need in full; an enterprise sees only its own needs;
- intermediaries see every need in full, except confidential needs of another jurisdiction;
- organisers see public needs anonymised;
- nobody else sees needs.
Supplier contacts of dossiers are shown to intermediaries and admins only.
"""

import re
from enum import Enum
from typing import Any

from sqlalchemy import or_
from sqlmodel import select

from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.models import Enterprise, Need
from matcher.models.enums import Confidentiality


class View(Enum):
    full = "full"
    anonymised = "anonymised"
    hidden = "hidden"


def need_view(who: Principal, need: Need, jurisdiction: str | None) -> View:
    """How `who` may see `need`, whose enterprise belongs to `jurisdiction`."""
    if who.role is Role.admin:
        return View.full
    if who.role is Role.enterprise:
        return View.full if need.enterprise_id == who.enterprise_id else View.hidden
    if who.role is Role.intermediary:
        confidential = need.confidentiality is Confidentiality.confidential
        return View.hidden if confidential and jurisdiction != who.jurisdiction else View.full
    if who.role is Role.organiser and need.confidentiality is Confidentiality.public:
        return View.anonymised
    return View.hidden


def sees_contacts(who: Principal) -> bool:
    """Whether supplier contact details of dossiers are shown."""
    return who.role in (Role.admin, Role.intermediary)


def anonymise_text(text: str, names: list[str]) -> str:
    """The text with each identifying string (enterprise name, tax code) replaced."""
    for name in names:
        if name.strip():
            text = re.sub(re.escape(name.strip()), "[doanh nghiệp]", text, flags=re.IGNORECASE)
    return text


def visible_needs(who: Principal) -> list[Any] | None:
    """SQL conditions selecting the needs `who` may see at all; None when they see none."""
    if who.role is Role.admin:
        return []
    if who.role is Role.enterprise:
        return [Need.enterprise_id == who.enterprise_id]
    if who.role is Role.intermediary:
        same_province = select(Enterprise.id).where(Enterprise.jurisdiction == who.jurisdiction)
        return [or_(Need.confidentiality != Confidentiality.confidential,
                    Need.enterprise_id.in_(same_province))]  # type: ignore[attr-defined]
    if who.role is Role.organiser:
        return [Need.confidentiality == Confidentiality.public]
    return None
