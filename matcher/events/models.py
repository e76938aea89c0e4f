"""Techmart / Techdemo events (sự kiện kết nối cung – cầu): tables and their API schemas.

Slots and tables are numbered from 1, as organisers and participants see them.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationInfo, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.models.fields import (
    MAX_INT,
    as_utc,
    check_timezone,
    json_list,
    list_update,
    utcnow,
)
from matcher.models.limits import MAX_GRID, MAX_SLOTS, MAX_TABLES

SlotNumber = Annotated[int, Field(ge=1, le=MAX_SLOTS)]


class ParticipantKind(StrEnum):
    supplier = "supplier"
    enterprise = "enterprise"


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"


class MeetingSource(StrEnum):
    pairing = "pairing"
    request = "request"
    organiser = "organiser"


class MeetingStatus(StrEnum):
    planned = "planned"
    scheduled = "scheduled"
    dropped = "dropped"
    held = "held"
    no_show = "no_show"
    cancelled = "cancelled"


class MeetingRating(StrEnum):
    """Rating right after the meeting (b2match's post-meeting question)."""

    did_not_take_place = "did_not_take_place"
    insufficient_interest = "insufficient_interest"
    informative_no_cooperation = "informative_no_cooperation"
    cooperation_possible = "cooperation_possible"


class FollowUp(StrEnum):
    """State about six months after the meeting."""

    no_further_contact = "no_further_contact"
    negotiation_started = "negotiation_started"
    agreement_reached = "agreement_reached"


# --- Event --------------------------------------------------------------------------------

class EventBase(SQLModel):
    name: str = Field(min_length=3, max_length=300)
    jurisdiction: str = Field(max_length=16, index=True, description="Organising province code.")
    venue: str = Field("", max_length=300)
    starts_on: date
    ends_on: date
    meeting_minutes: int = Field(30, ge=5, le=240, description="Length of one meeting.")
    slot_starts: list[str] = json_list(
        "Start of each slot, ISO local datetime in the event's time zone (`2026-11-24T09:00`; "
        "with a UTC offset, it is converted to that zone), within the event's dates; slot n is "
        "the n-th. Breaks are the gaps between slots.", MAX_SLOTS, distinct=False)
    table_count: int = Field(ge=1, le=MAX_TABLES, description="Meeting tables available per slot.")
    timezone: str = Field("Asia/Ho_Chi_Minh", max_length=64)

    @model_validator(mode="before")
    @classmethod
    def _local_slots(cls, data: Any) -> Any:
        """Slot starts given with a UTC offset become the event's own local time."""
        if not isinstance(data, dict) or not isinstance(data.get("slot_starts"), list):
            return data
        try:
            zone = ZoneInfo(check_timezone(str(data.get("timezone") or "Asia/Ho_Chi_Minh")))
        except ValueError:
            return data  # the time zone's own check names it
        return {**data, "slot_starts": [_local(value, zone) for value in data["slot_starts"]]}

    @field_validator("slot_starts")
    @classmethod
    def _slots(cls, value: list[str], info: ValidationInfo) -> list[str]:
        starts = [datetime.fromisoformat(str(v)).replace(tzinfo=None) for v in value]
        if not starts:
            raise ValueError("an event needs at least one slot")
        first, last = info.data.get("starts_on"), info.data.get("ends_on")
        for start in starts:  # dates in the wrong order are `_order`'s to report
            if first is not None and last is not None and first <= last \
                    and not first <= start.date() <= last:
                raise ValueError(f"slot at {start:%Y-%m-%d %H:%M} is outside the event's dates "
                                 f"({first} to {last})")
        return [s.isoformat(timespec="minutes") for s in starts]

    @field_validator("table_count")
    @classmethod
    def _grid(cls, value: int, info: ValidationInfo) -> int:
        # every agenda, grid and export is drawn on slots × tables: keep it bounded
        slots = len(info.data.get("slot_starts", ()))
        if slots * value > MAX_GRID:
            raise ValueError(f"{slots} slots × {value} tables is more than {MAX_GRID:,} meeting "
                             "places: use fewer tables or slots")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_timezone(value)

    @model_validator(mode="after")
    def _order(self) -> "EventBase":
        if self.starts_on > self.ends_on:
            raise ValueError("starts_on must not be after ends_on")
        starts = [datetime.fromisoformat(s) for s in self.slot_starts]
        step = timedelta(minutes=self.meeting_minutes)
        for before, after in zip(starts, starts[1:], strict=False):
            if after < before + step:
                raise ValueError(f"slot at {after:%Y-%m-%d %H:%M} starts before the previous "
                                 f"{self.meeting_minutes}-minute slot ends")
        return self


def _local(value: Any, zone: ZoneInfo) -> Any:
    """A slot start with a UTC offset as local time in `zone`; anything else unchanged."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return value  # the slot check names it
    if moment.tzinfo is None:
        return value
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")


class Event(EventBase, table=True):
    """A Techmart or Techdemo with its slot grid and tables."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class EventCreate(EventBase):
    pass


class EventUpdate(SQLModel):
    name: str | None = Field(None, min_length=3, max_length=300)
    venue: str | None = None
    table_count: int | None = Field(None, ge=1, le=MAX_TABLES)


class EventPublic(EventBase):
    id: int
    created_at: datetime


class EventsPublic(SQLModel):
    data: list[EventPublic]
    count: int


# --- Participant --------------------------------------------------------------------------

class ParticipantBase(SQLModel):
    ref: str = Field(min_length=1, max_length=64, description="Key within the event (badge).")
    kind: ParticipantKind
    name: str = Field(min_length=2, max_length=300, description="Person or delegation.")
    organisation: str = Field("", max_length=300)
    email: str = Field("", max_length=200)
    dossier_id: int | None = Field(None, foreign_key="dossier.id", index=True, ge=1, le=MAX_INT,
                                   description="Supplier: the technology dossier shown.")
    need_id: int | None = Field(None, foreign_key="need.id", index=True, ge=1, le=MAX_INT,
                                description="Enterprise: the need it comes with.")
    available_slots: list[SlotNumber] = json_list("Slot numbers the participant can attend; "
                                                  "empty = all.", MAX_SLOTS)
    max_meetings: int = Field(8, ge=0, le=100)

    @model_validator(mode="after")
    def _link(self) -> "ParticipantBase":
        if self.kind == ParticipantKind.supplier and self.dossier_id is None:
            raise ValueError("a supplier needs a dossier_id")
        if self.kind == ParticipantKind.enterprise and self.need_id is None:
            raise ValueError("an enterprise needs a need_id")
        if any(s < 1 for s in self.available_slots):
            raise ValueError("slot numbers start at 1")
        return self


class Participant(ParticipantBase, table=True):
    """An exhibitor (supplier) or visiting enterprise registered for one event."""

    __table_args__ = (UniqueConstraint("event_id", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    enterprise_id: int | None = Field(None, foreign_key="enterprise.id", index=True,
                                      description="Enterprise: the record (from the need).")


class ParticipantCreate(ParticipantBase):
    pass


class ParticipantUpdate(SQLModel):
    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    available_slots: list[SlotNumber] | None = list_update(MAX_SLOTS)
    max_meetings: int | None = Field(None, ge=0, le=100)


class ParticipantPublic(ParticipantBase):
    id: int
    event_id: int
    need_id: int | None = Field(None, description="The need it comes with, for callers who may "
                                "see the need.")
    enterprise_id: int | None = Field(
        None, description="The enterprise behind the need, for callers who may see the need "
        "in full.")

    @model_validator(mode="after")
    def _link(self) -> "ParticipantPublic":  # a need hidden from the caller is shown as null
        return self


class ParticipantsPublic(SQLModel):
    data: list[ParticipantPublic]
    count: int


# --- Meeting request ----------------------------------------------------------------------

class MeetingRequestBase(SQLModel):
    requester_id: int = Field(foreign_key="participant.id", index=True, ge=1, le=MAX_INT)
    target_id: int = Field(foreign_key="participant.id", index=True, ge=1, le=MAX_INT)
    reason: str = Field("", max_length=2_000)
    expires_at: datetime | None = Field(
        None, description="Pending after this = expired. ISO 8601 with a UTC offset; without "
        "one, Asia/Ho_Chi_Minh time.")

    @field_validator("expires_at")
    @classmethod
    def _expires_at(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)


class MeetingRequest(MeetingRequestBase, table=True):
    """One participant asking to meet another; accepted requests are kept by the pairing."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    status: RequestStatus = RequestStatus.pending
    created_at: datetime = Field(default_factory=utcnow)
    responded_at: datetime | None = None


class MeetingRequestCreate(MeetingRequestBase):
    pass


class MeetingRequestUpdate(SQLModel):
    """The target's answer."""

    status: RequestStatus


class MeetingRequestPublic(MeetingRequestBase):
    id: int
    event_id: int
    status: RequestStatus
    created_at: datetime
    responded_at: datetime | None


class MeetingRequestsPublic(SQLModel):
    data: list[MeetingRequestPublic]
    count: int


# --- Meeting ------------------------------------------------------------------------------

class MeetingBase(SQLModel):
    supplier_participant_id: int = Field(foreign_key="participant.id", index=True, ge=1,
                                         le=MAX_INT)
    enterprise_participant_id: int = Field(foreign_key="participant.id", index=True, ge=1,
                                           le=MAX_INT)
    slot: int | None = Field(None, ge=1, le=MAX_SLOTS)
    table: int | None = Field(None, ge=1, le=MAX_TABLES)
    locked: bool = Field(False, description="Locked by the organiser: never moved or dropped.")


class Meeting(MeetingBase, table=True):
    """A B2B meeting at an event, from plan through schedule to outcome."""

    __table_args__ = (UniqueConstraint("event_id", "supplier_participant_id",
                                       "enterprise_participant_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    score: float = 0.0
    source: MeetingSource = MeetingSource.pairing
    status: MeetingStatus = MeetingStatus.planned
    drop_reason: str = Field("", max_length=500)
    rating: MeetingRating | None = None
    rated_at: datetime | None = None
    follow_up: FollowUp | None = None
    follow_up_at: datetime | None = None
    introduction_id: int | None = Field(None, description="Ledger introduction, once recorded.")
    notes: str = Field("", max_length=2_000)


class MeetingCreate(MeetingBase):
    """A meeting the organiser adds by hand (locked by default)."""

    locked: bool = True


class MeetingUpdate(SQLModel):
    slot: int | None = Field(None, ge=1, le=MAX_SLOTS)
    table: int | None = Field(None, ge=1, le=MAX_TABLES)
    locked: bool | None = None


class MeetingOutcome(SQLModel):
    """Right after the meeting: held or no-show, and the rating."""

    status: MeetingStatus
    rating: MeetingRating | None = None
    notes: str = Field("", max_length=2_000)

    @model_validator(mode="after")
    def _held(self) -> "MeetingOutcome":
        if self.status not in (MeetingStatus.held, MeetingStatus.no_show):
            raise ValueError("status must be 'held' or 'no_show'")
        return self


class MeetingFollowUp(SQLModel):
    """About six months later."""

    follow_up: FollowUp


class MeetingPublic(MeetingBase):
    id: int
    event_id: int
    score: float
    source: MeetingSource
    status: MeetingStatus
    drop_reason: str
    rating: MeetingRating | None
    rated_at: datetime | None
    follow_up: FollowUp | None
    follow_up_at: datetime | None
    introduction_id: int | None
    notes: str


class MeetingsPublic(SQLModel):
    data: list[MeetingPublic]
    count: int
