"""How complete a dossier is (mức độ đầy đủ của hồ sơ): the items an EEN reviewer checks
before a technology profile is published, each mapped to the dossier's fields, scored 0–100
with the list of what is missing.

Every check is written twice, on purpose: `present` reads one dossier in Python (its page,
its API answer) and `clause` is the same test in SQL, so a list can be filtered, sorted and
paged by quality in the database. Tests hold the two to agree on constructed dossiers and on
the whole seed. The score is computed on read, never stored: a change to a dossier, or to
these checks, needs no migration to stay true.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, case, func, or_

from matcher.models.enums import IprStatus

# Shortest texts that still say something: a summary of a sentence, advantages of a clause,
# a description of a paragraph (the seed's shortest are 142, 49 and about 500 characters).
MIN_SUMMARY = 50
MIN_ADVANTAGES = 30
MIN_DESCRIPTION = 300


def _filled(text: str | None, least: int) -> bool:
    return len((text or "").strip()) >= least


def _filled_sql(column: Any, least: int) -> ColumnElement[bool]:
    return func.length(func.trim(func.coalesce(column, ""))) >= least


@dataclass(frozen=True)
class Check:
    """One item a reviewer looks for, what it weighs in the score, and how to tell it is
    there: `present` on a dossier, `clause` on the dossier table (the same test)."""

    key: str
    label_en: str
    label_vi: str
    weight: int
    present: Callable[[Any], bool]
    clause: Callable[[Any], ColumnElement[bool]]


CHECKS: tuple[Check, ...] = (
    Check("summary", "Summary (at least a sentence)", "Tóm tắt (ít nhất một câu)", 15,
          lambda d: _filled(d.summary, MIN_SUMMARY),
          lambda t: _filled_sql(t.summary, MIN_SUMMARY)),
    Check("description", "Description of the technology", "Mô tả công nghệ", 15,
          lambda d: _filled(d.description, MIN_DESCRIPTION),
          lambda t: _filled_sql(t.description, MIN_DESCRIPTION)),
    Check("advantages", "Advantages and innovation", "Ưu điểm và tính mới", 15,
          lambda d: _filled(d.advantages, MIN_ADVANTAGES),
          lambda t: _filled_sql(t.advantages, MIN_ADVANTAGES)),
    Check("stage", "Development stage (TRL)", "Mức độ sẵn sàng của công nghệ (TRL)", 15,
          lambda d: d.trl is not None,
          lambda t: t.trl.is_not(None)),
    # `none` is both "no protection" and "not stated": either way a reviewer asks
    Check("ipr", "Intellectual property status", "Tình trạng sở hữu trí tuệ", 10,
          lambda d: d.ipr_status != IprStatus.none,
          lambda t: t.ipr_status != IprStatus.none),
    Check("price", "Indicative price", "Giá chào tham khảo", 10,
          lambda d: d.price_min is not None or d.price_max is not None,
          lambda t: or_(t.price_min.is_not(None), t.price_max.is_not(None))),
    Check("transfer_modes", "Transfer modes offered", "Phương thức chuyển giao", 10,
          lambda d: bool(d.transfer_modes),
          lambda t: func.json_array_length(t.transfer_modes) > 0),
    Check("receiver_requirements", "Requirements for the receiver",
          "Yêu cầu đối với bên nhận công nghệ", 10,
          lambda d: bool(d.req_engineers or d.req_staff or d.req_investment_vnd is not None
                         or (d.req_skills or "").strip() or (d.req_infrastructure or "").strip()),
          lambda t: or_(t.req_engineers > 0, t.req_staff > 0, t.req_investment_vnd.is_not(None),
                        _filled_sql(t.req_skills, 1), _filled_sql(t.req_infrastructure, 1))),
)


class MissingItem(BaseModel):
    """An item the dossier lacks, named in both languages."""

    key: str = Field(description="Stable name of the check, e.g. `price`.")
    label_en: str
    label_vi: str


class Quality(BaseModel):
    """How complete a dossier is: 100 when a reviewer finds every item."""

    score: int = Field(ge=0, le=100, description="Sum of the weights of the items present.")
    missing: list[MissingItem] = Field(description="The items absent, heaviest first.")


def assess_quality(dossier: Any) -> Quality:
    """The completeness of one dossier (a `Dossier` or anything with its fields)."""
    absent = [c for c in CHECKS if not c.present(dossier)]
    return Quality(
        score=100 - sum(c.weight for c in absent),
        missing=[MissingItem(key=c.key, label_en=c.label_en, label_vi=c.label_vi)
                 for c in sorted(absent, key=lambda c: -c.weight)])


def quality_score(table: Any) -> ColumnElement[int]:
    """The score of `assess_quality` as an SQL expression over `table` (the `Dossier` model),
    to filter and order lists by."""
    return reduce(operator.add, [case((c.clause(table), c.weight), else_=0) for c in CHECKS])
