"""Listing needs with filters: province (jurisdiction), sector, status and free text.

Only needs the caller may read are ever looked at (the policy's rows), and the text is matched
against each need as the caller reads it (anonymised for organisers): a filter can neither
reveal a hidden need nor confirm a word the caller is not shown. Text matches with or without
diacritics and in any case: every word of the query must be a word of the need's reference,
title, problem or desired result (`nuoc thai` finds `Xử lý nước thải`, and `nước thải` finds
`nuoc thai`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, select

from matcher.auth.policy import Policy
from matcher.models import Enterprise, Need
from matcher.models.enums import NeedStatus
from matcher.models.fields import MAX_INT
from matcher.text.vietnamese import fold


@dataclass(frozen=True)
class NeedFilters:
    """What a list of needs is narrowed to; empty fields do not narrow it."""

    jurisdiction: str | None = None
    sectors: tuple[str, ...] = ()
    status: NeedStatus | None = None
    text: str | None = None


def words(text: str) -> set[str]:
    """The words of a text, without diacritics and case."""
    return set(fold(text).split())


def _text_of(shown: Any) -> str:
    return " ".join((shown.ref or "", shown.title or "", shown.problem or "",
                     shown.desired_result or ""))


def list_needs(session: Session, policy: Policy, filters: NeedFilters, skip: int, limit: int,
               shown: Callable[[Need], Any], *where: Any) -> tuple[list[Need], int]:
    """One page of the needs the caller may read under `filters` (and the extra SQL
    conditions `where`), ordered by id, and how many there are in all. `shown` gives a need as
    the caller reads it (the text matched); sector and text are checked in Python, on the
    caller's own rows only."""
    conditions = [policy.need_rows(), *where]
    if filters.status is not None:
        conditions.append(col(Need.status) == filters.status)
    if filters.jurisdiction is not None:
        conditions.append(col(Need.enterprise_id).in_(
            select(Enterprise.id).where(Enterprise.jurisdiction == filters.jurisdiction)))
    if not filters.sectors and not filters.text:
        count = session.exec(select(func.count()).select_from(Need).where(*conditions)).one()
        rows = session.exec(select(Need).where(*conditions).order_by(col(Need.id))
                            .offset(min(skip, MAX_INT)).limit(limit)).all()
        return list(rows), int(count)
    wanted = set(filters.sectors)
    query_words = words(filters.text or "")
    kept = []
    for need in session.exec(select(Need).where(*conditions).order_by(col(Need.id))).all():
        if wanted and not wanted & set(need.sector_codes):
            continue
        if query_words and not query_words <= words(_text_of(shown(need))):
            continue
        kept.append(need)
    return kept[skip:skip + limit], len(kept)
