"""Ledger tables and their API schemas: introductions (giới thiệu), transfers, plans, targets."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.models.enums import TransferMode
from matcher.models.fields import MAX_INT, check_country, check_currency, json_list, utcnow
from matcher.models.limits import (
    MAX_AMOUNT,
    MAX_CODES,
    MAX_PARTICIPANTS,
    MAX_PERIODS,
    MAX_TARGET,
    MAX_TARGETS,
)


class IntermediaryKind(StrEnum):
    consulting = "consulting"
    brokerage = "brokerage"
    valuation = "valuation"
    st_centre = "st_centre"
    techmart_organiser = "techmart_organiser"


class IntroductionChannel(StrEnum):
    direct = "direct"
    event = "event"
    online = "online"


class IntroductionStatus(StrEnum):
    """Pipeline status of an introduction; `transferred` means a contract was signed."""

    suggested = "suggested"
    introduced = "introduced"
    interested = "interested"
    negotiating = "negotiating"
    transferred = "transferred"
    declined = "declined"
    stalled = "stalled"


class DeclineReason(StrEnum):
    too_early_stage = "too_early_stage"
    benefit_unclear = "benefit_unclear"
    cost = "cost"
    absorptive_capacity = "absorptive_capacity"
    ip_terms = "ip_terms"
    other = "other"


class TrainingFormat(StrEnum):
    online = "online"
    in_person = "in_person"


class Indicator(StrEnum):
    """The programme indicators a plan sets targets for (Decision 1851/QĐ-TTg)."""

    foreign_dossiers_introduced = "foreign_dossiers_introduced"
    technologies_transferred = "technologies_transferred"
    people_trained = "people_trained"
    fdi_transfer_growth = "fdi_transfer_growth"
    rd_capable_manufacturers_share = "rd_capable_manufacturers_share"


# --- Intermediary (tổ chức trung gian) and the people acting for it -------------------------
class IntermediaryBase(SQLModel):
    ref: str | None = Field(default=None, max_length=64, unique=True, index=True)
    name: str = Field(min_length=2, max_length=300)
    kind: IntermediaryKind
    jurisdiction: str = Field(foreign_key="jurisdiction.code", max_length=16, index=True)


class Intermediary(IntermediaryBase, table=True):
    """An organisation that introduces technology: consultant, broker, S&T centre, organiser."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class IntermediaryCreate(IntermediaryBase):
    pass


class IntermediaryUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=2, max_length=300)
    kind: IntermediaryKind | None = None
    jurisdiction: str | None = None


class IntermediaryPublic(IntermediaryBase):
    id: int


class IntermediariesPublic(SQLModel):
    data: list[IntermediaryPublic]
    count: int


class PersonBase(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    role: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)


class Person(PersonBase, table=True):
    """A person acting for an intermediary."""

    id: int | None = Field(default=None, primary_key=True)
    intermediary_id: int = Field(foreign_key="intermediary.id", index=True)


class PersonCreate(PersonBase):
    pass


class PersonPublic(PersonBase):
    id: int
    intermediary_id: int


# --- Introduction and its append-only events ------------------------------------------------
class IntroductionBase(SQLModel):
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ge=1, le=MAX_INT)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True, ge=1, le=MAX_INT)
    need_id: int | None = Field(default=None, foreign_key="need.id", index=True, ge=1,
                                le=MAX_INT)
    intermediary_id: int | None = Field(default=None, foreign_key="intermediary.id", index=True,
                                        ge=1, le=MAX_INT)
    channel: IntroductionChannel = IntroductionChannel.direct


class Introduction(IntroductionBase, table=True):
    """A dossier introduced to an enterprise; its status is derived from its events."""

    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, max_length=64, unique=True, index=True)
    introduced_on: date | None = Field(
        default=None, index=True,
        description="Day the dossier was shown; none while only suggested.")
    created_at: datetime = Field(default_factory=utcnow)


class IntroductionCreate(IntroductionBase):
    introduced_on: date | None = Field(default=None, description="Default today.")
    suggest_only: bool = Field(default=False,
                               description="Record as `suggested`, not yet introduced.")
    actor: str = Field(default="api", max_length=200)
    note: str = Field(default="", max_length=2_000)


class IntroductionFromMatch(SQLModel):
    """Introduce the dossier of a match suggestion for a need in one call."""

    need_id: int = Field(ge=1, le=MAX_INT)
    dossier_id: int = Field(ge=1, le=MAX_INT)
    intermediary_id: int | None = Field(default=None, ge=1, le=MAX_INT)
    channel: IntroductionChannel = IntroductionChannel.direct
    introduced_on: date | None = None
    actor: str = Field(default="api", max_length=200)
    note: str = Field(default="", max_length=2_000)


class IntroductionEventBase(SQLModel):
    status: IntroductionStatus
    happened_on: date
    actor: str = Field(max_length=200, description="Who recorded or made the change.")
    note: str = Field(default="", max_length=2_000)
    decline_reason: DeclineReason | None = None


class IntroductionEvent(IntroductionEventBase, table=True):
    """One status change; rows are only ever appended."""

    id: int | None = Field(default=None, primary_key=True)
    introduction_id: int = Field(foreign_key="introduction.id", index=True)
    recorded_at: datetime = Field(default_factory=utcnow)


class StatusChange(SQLModel):
    status: IntroductionStatus
    happened_on: date | None = Field(default=None, description="Default today.")
    actor: str = Field(default="api", max_length=200)
    note: str = Field(default="", max_length=2_000)
    decline_reason: DeclineReason | None = None


class IntroductionEventPublic(IntroductionEventBase):
    id: int
    recorded_at: datetime


class IntroductionPublic(IntroductionBase):
    id: int
    enterprise_id: int | None = Field(  # type: ignore[assignment]
        description="Null for callers who are not shown whom the introduction concerns.")
    ref: str | None
    introduced_on: date | None
    status: IntroductionStatus
    events: list[IntroductionEventPublic] = []


class IntroductionsPublic(SQLModel):
    data: list[IntroductionPublic]
    count: int


# --- Transfer (chuyển giao công nghệ) -----------------------------------------------------
class TransferBase(SQLModel):
    contract_date: date
    value: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    currency: str = Field(default="VND", max_length=3)
    mode: TransferMode
    registration_number: str = Field(default="", max_length=100,
                                     description="Registration with the Department of S&T.")
    registration_date: date | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)


class Transfer(TransferBase, table=True):
    """A signed technology transfer contract."""

    id: int | None = Field(default=None, primary_key=True)
    introduction_id: int | None = Field(default=None, foreign_key="introduction.id", unique=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)


class TransferCreate(TransferBase):
    actor: str = Field(default="api", max_length=200)
    note: str = Field(default="", max_length=2_000)


class TransferPublic(TransferBase):
    id: int
    introduction_id: int | None
    dossier_id: int
    enterprise_id: int | None = Field(
        description="Null for callers who are not shown whom the transfer concerns.")


class TransfersPublic(SQLModel):
    data: list[TransferPublic]
    count: int


# --- Training (đào tạo) -------------------------------------------------------------------
class TrainingParticipantBase(SQLModel):
    name: str = Field(min_length=2, max_length=200)
    organisation: str = Field(default="", max_length=300)
    role: str = Field(default="", max_length=200)


class TrainingParticipant(TrainingParticipantBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)


class TrainingBase(SQLModel):
    ref: str | None = Field(default=None, max_length=64, unique=True, index=True)
    course: str = Field(min_length=3, max_length=300)
    jurisdiction: str = Field(foreign_key="jurisdiction.code", max_length=16, index=True)
    held_on: date
    format: TrainingFormat = TrainingFormat.in_person
    organiser_id: int | None = Field(default=None, foreign_key="intermediary.id", ge=1,
                                     le=MAX_INT)


class Training(TrainingBase, table=True):
    """A course on technology search, assessment or transfer."""

    id: int | None = Field(default=None, primary_key=True)


class TrainingCreate(TrainingBase):
    participants: list[TrainingParticipantBase] = Field(default=[], max_length=MAX_PARTICIPANTS)


class TrainingPublic(TrainingBase):
    id: int
    participants: list[TrainingParticipantBase] = []


class TrainingsPublic(SQLModel):
    data: list[TrainingPublic]
    count: int


# --- FDI projects ---------------------------------------------------------------------------
class FdiProjectBase(SQLModel):
    ref: str | None = Field(default=None, max_length=64, unique=True, index=True)
    name: str = Field(min_length=2, max_length=300)
    jurisdiction: str = Field(foreign_key="jurisdiction.code", max_length=16, index=True)
    investor_country: str = Field(max_length=2)
    year: int = Field(ge=1990, le=2100, index=True)
    with_transfer: bool = Field(description="Transfers technology to local enterprises.")
    local_enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", ge=1,
                                           le=MAX_INT)

    @field_validator("investor_country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)


class FdiProject(FdiProjectBase, table=True):
    """A foreign direct investment project licensed in a year."""

    id: int | None = Field(default=None, primary_key=True)


class FdiProjectCreate(FdiProjectBase):
    pass


class FdiProjectPublic(FdiProjectBase):
    id: int


class FdiProjectsPublic(SQLModel):
    data: list[FdiProjectPublic]
    count: int


# --- Plans, periods and targets -------------------------------------------------------------
class PlanBase(SQLModel):
    ref: str = Field(max_length=64, unique=True, index=True)
    jurisdiction: str = Field(foreign_key="jurisdiction.code", max_length=16, index=True)
    title: str = Field(max_length=500)
    adopted_on: date | None = None
    sector_codes: list[str] = json_list("The plan's priority-sector codes.", MAX_CODES)
    report_due: str = Field(default="12-15", max_length=5,
                            description="Yearly report due date, MM-DD.")


class Plan(PlanBase, table=True):
    """A jurisdiction's plan carrying out Decision 1851/QĐ-TTg."""

    id: int | None = Field(default=None, primary_key=True)


class PlanPeriod(SQLModel, table=True):
    """A period of a plan (e.g. 2023–2025) that targets are set for."""

    __table_args__ = (UniqueConstraint("plan_id", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    label: str = Field(max_length=40)
    start: date
    end: date


class Target(SQLModel, table=True):
    """The target of one indicator in one period: a count over the period, or a yearly rate."""

    __table_args__ = (UniqueConstraint("period_id", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="planperiod.id", index=True)
    indicator: Indicator
    value: float
    unit: str = Field(default="", max_length=40)
    note: str = Field(default="", max_length=500)


class TargetIn(SQLModel):
    indicator: Indicator
    value: float = Field(le=MAX_TARGET)
    unit: str = ""
    note: str = ""


class PeriodIn(SQLModel):
    label: str
    start: date
    end: date
    targets: list[TargetIn] = Field(default=[], max_length=MAX_TARGETS)


class PlanCreate(PlanBase):
    periods: list[PeriodIn] = Field(default=[], max_length=MAX_PERIODS)


class PlanPublic(PlanBase):
    id: int
    periods: list[PeriodIn] = []


class PlansPublic(SQLModel):
    data: list[PlanPublic]
    count: int
