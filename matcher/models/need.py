"""Technology needs (nhu cầu công nghệ) that enterprises submit."""

from datetime import date, datetime

from pydantic import computed_field, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from matcher.models.enums import Confidentiality, NeedStatus
from matcher.models.fields import (
    MAX_INT,
    check_country,
    check_text,
    check_transfer_modes,
    json_list,
    list_update,
    utcnow,
)
from matcher.models.limits import MAX_AMOUNT, MAX_CODES, MAX_MODES
from matcher.models.validity import default_valid_until, is_expired

VALID_UNTIL = ("Last day the need is listed (matched and suggested), in Vietnam; "
               "`KETNOI_VALIDITY_MONTHS` after it was submitted or last renewed "
               "(`POST /needs/{id}/renew`).")


class NeedBase(SQLModel):
    ref: str | None = Field(
        None, max_length=64, index=True,
        description="External reference, unique within the enterprise.")
    title: str = Field("", max_length=300)
    problem: str = Field(min_length=3, max_length=10_000, description="The problem, free text.")
    desired_result: str = Field("", max_length=5_000)
    language: str = Field("vi", min_length=2, max_length=3)
    sector_codes: list[str] = json_list("Priority-sector codes of the enterprise's jurisdiction.",
                                        MAX_CODES)
    budget_min_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    budget_max_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    timeline_months: int | None = Field(None, ge=0, le=240)
    preferred_countries: list[str] = json_list("ISO 3166-1 alpha-2 codes.", MAX_CODES)
    preferred_modes: list[str] = json_list("Transfer modes wanted (see TransferMode).",
                                           MAX_MODES)
    confidentiality: Confidentiality = Confidentiality.public
    status: NeedStatus = NeedStatus.open

    @field_validator("preferred_countries")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        # normalised first, then repeats dropped: `kr` repeats `KR`
        return list(dict.fromkeys(check_country(code) for code in value))

    @field_validator("preferred_modes")
    @classmethod
    def _modes(cls, value: list[str]) -> list[str]:
        return check_transfer_modes(value)

    @model_validator(mode="after")
    def _budget(self) -> "NeedBase":
        low, high = self.budget_min_vnd, self.budget_max_vnd
        if low is not None and high is not None and low > high:
            raise ValueError("budget_min_vnd must not exceed budget_max_vnd")
        return self


class Need(NeedBase, table=True):
    """A need stored in the database; the source of truth for the needs index. Refs are the
    enterprise's own: unique per enterprise, so that a taken ref never tells one enterprise
    that another has a need of that name."""

    __table_args__ = (UniqueConstraint("enterprise_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    valid_until: date = Field(default_factory=default_valid_until, index=True,
                              description=VALID_UNTIL)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NeedCreate(NeedBase):
    enterprise_id: int | None = Field(None, ge=1, le=MAX_INT,
                                      description="The enterprise; or give its tax code.")
    enterprise_tax_code: str | None = Field(None, description="Alternative to enterprise_id.")

    _check_text = field_validator("*")(check_text)


class NeedUpdate(SQLModel):
    """Partial update: only the fields sent are changed."""

    ref: str | None = None
    title: str | None = Field(None, max_length=300)
    problem: str | None = Field(None, min_length=3, max_length=10_000)
    desired_result: str | None = Field(None, max_length=5_000)
    language: str | None = None
    sector_codes: list[str] | None = list_update(MAX_CODES)
    budget_min_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    budget_max_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    timeline_months: int | None = Field(None, ge=0, le=240)
    preferred_countries: list[str] | None = list_update(MAX_CODES)
    preferred_modes: list[str] | None = list_update(MAX_MODES)
    confidentiality: Confidentiality | None = None
    status: NeedStatus | None = None

    _check_text = field_validator("*")(check_text)


class NeedPublic(NeedBase):
    id: int
    enterprise_id: int | None = Field(
        description="Null when the need is shown anonymised (see `anonymised`).")
    anonymised: bool = Field(
        False, description="True when enterprise identity was removed for this caller.")
    valid_until: date = Field(description=VALID_UNTIL)
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def expired(self) -> bool:
        """Whether `valid_until` has passed: the need is out of matching."""
        return is_expired(self.valid_until)


class NeedsPublic(SQLModel):
    data: list[NeedPublic]
    count: int
