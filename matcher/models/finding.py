"""Screening findings (kết quả rà soát): what the compliance rules found in a dossier, and the
Department's decision on each (`matcher.screening`)."""

from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlmodel import Field, SQLModel, col

from matcher.models.enums import FindingStatus, Severity
from matcher.models.fields import utcnow


class FindingBrief(SQLModel):
    """A finding as a dossier's suggestions carry it: what was found, in both languages."""

    rule: str = Field(max_length=40, description="`decree76`, `second_hand_age` or "
                      "`price_outlier`.")
    severity: Severity
    annex: str = Field("", max_length=8, description="Annex of Decree 76/2018 (I, II, III).")
    item: str = Field("", max_length=16, description="Item number within the annex.")
    message_vi: str = Field(max_length=500)
    message_en: str = Field(max_length=500)


class ScreeningFinding(FindingBrief, table=True):
    """One finding on one dossier; recomputed whenever the dossier is written, keeping the
    Department's decision while the same finding (rule, annex, item) still holds."""

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    evidence: str = Field("", max_length=300, description="The words or figures that matched.")
    status: FindingStatus = FindingStatus.open
    decided_by: str = Field("", max_length=300, description="Who confirmed or dismissed it.")
    decided_at: datetime | None = None
    note: str = Field("", max_length=1_000)
    created_at: datetime = Field(default_factory=utcnow)


class FindingPublic(FindingBrief):
    id: int
    dossier_id: int
    evidence: str
    status: FindingStatus
    decided_by: str
    decided_at: datetime | None
    note: str
    created_at: datetime


class FindingDecision(SQLModel):
    """The Department's decision on a finding."""

    status: FindingStatus = Field(description="`confirmed` or `dismissed` (`open` reopens it).")
    note: str = Field("", max_length=1_000)


def blocking() -> ColumnElement[bool]:
    """The findings that block their dossier: prohibited, and not dismissed."""
    return and_(col(ScreeningFinding.severity) == Severity.prohibited,
                col(ScreeningFinding.status) != FindingStatus.dismissed)
