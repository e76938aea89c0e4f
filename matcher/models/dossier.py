"""Technology dossiers (hồ sơ công nghệ): offers of a technology for transfer."""

from datetime import date, datetime

from pydantic import computed_field, field_validator, model_validator
from sqlmodel import Field, SQLModel

from matcher.models.enums import DossierStatus, IprStatus, Source
from matcher.models.fields import (
    check_country,
    check_currency,
    check_text,
    check_transfer_modes,
    json_list,
    list_update,
    utcnow,
)
from matcher.models.finding import FindingPublic
from matcher.models.limits import MAX_AMOUNT, MAX_CODES, MAX_KEYWORDS, MAX_MODES, MAX_PEOPLE
from matcher.models.quality import Quality
from matcher.models.validity import default_valid_until, is_expired

VALID_UNTIL = ("Last day the dossier is listed (searched and suggested), in Vietnam; "
               "`KETNOI_VALIDITY_MONTHS` after it was created or last renewed "
               "(`POST /dossiers/{id}/renew`). Not the supplier's own `valid_to`.")


class DossierBase(SQLModel):
    ref: str | None = Field(
        None, max_length=64, unique=True, index=True, description="External reference, unique."
    )
    title: str = Field(min_length=3, max_length=300)
    summary: str = Field("", max_length=2_000)
    description: str = Field("", max_length=20_000)
    advantages: str = Field("", max_length=5_000)
    language: str = Field("en", min_length=2, max_length=3, description="ISO 639-1 code.")
    origin_country: str = Field(max_length=2, description="ISO 3166-1 alpha-2 code.")
    supplier_org: str = Field("", max_length=300)
    supplier_contact: str = Field("", max_length=300)
    source: Source = Source.other
    source_ref: str = Field("", max_length=200)
    sector_codes: list[str] = json_list("Priority-sector codes, e.g. `VN-03`, `BG-c`.",
                                        MAX_CODES)
    keywords: list[str] = json_list("Technology keywords.", MAX_KEYWORDS)
    trl: int | None = Field(None, ge=1, le=9, description="Technology readiness level 1–9.")
    ipr_status: IprStatus = IprStatus.none
    transfer_modes: list[str] = json_list("Transfer modes offered (see TransferMode).",
                                          MAX_MODES)
    price_min: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    price_max: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    currency: str = Field("USD", max_length=3, description="ISO 4217 code of the price.")
    req_engineers: int = Field(0, ge=0, le=MAX_PEOPLE, description="Engineers the receiver needs.")
    req_staff: int = Field(0, ge=0, le=MAX_PEOPLE, description="Total staff the receiver needs.")
    req_investment_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT,
                                             description="Minimum investment, VND.")
    req_skills: str = Field("", max_length=2_000)
    req_infrastructure: str = Field("", max_length=2_000)
    second_hand: bool = False
    equipment_year: int | None = Field(None, ge=1900, le=2100)
    status: DossierStatus = DossierStatus.active
    valid_from: date | None = None
    valid_to: date | None = None

    @field_validator("origin_country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)

    @field_validator("transfer_modes")
    @classmethod
    def _modes(cls, value: list[str]) -> list[str]:
        return check_transfer_modes(value)

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return check_currency(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return value.strip().lower()

    @model_validator(mode="after")
    def _ranges(self) -> "DossierBase":
        if self.price_min is not None and self.price_max is not None:
            if self.price_min > self.price_max:
                raise ValueError("price_min must not exceed price_max")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from must not be after valid_to")
        return self


class Dossier(DossierBase, table=True):
    """A technology offer stored in the database; the source of truth for the index."""

    id: int | None = Field(default=None, primary_key=True)
    merged_into: int | None = Field(None, foreign_key="dossier.id", index=True)
    valid_until: date = Field(default_factory=default_valid_until, index=True,
                              description=VALID_UNTIL)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def _not_merged(status: DossierStatus | None) -> DossierStatus | None:
    if status is DossierStatus.merged:
        raise ValueError("a dossier becomes 'merged' by merging it into another "
                         "(POST /dossiers/{id}/merge), not by setting its status")
    return status


class DossierCreate(DossierBase):
    _check_text = field_validator("*")(check_text)
    _check_status = field_validator("status")(_not_merged)


class DossierUpdate(SQLModel):
    """Partial update: every field optional; only the fields sent are changed."""

    ref: str | None = None
    title: str | None = Field(None, min_length=3, max_length=300)
    summary: str | None = Field(None, max_length=2_000)
    description: str | None = Field(None, max_length=20_000)
    advantages: str | None = Field(None, max_length=5_000)
    language: str | None = Field(None, min_length=2, max_length=3)
    origin_country: str | None = None
    supplier_org: str | None = None
    supplier_contact: str | None = None
    source: Source | None = None
    source_ref: str | None = None
    sector_codes: list[str] | None = list_update(MAX_CODES)
    keywords: list[str] | None = list_update(MAX_KEYWORDS)
    trl: int | None = Field(None, ge=1, le=9)
    ipr_status: IprStatus | None = None
    transfer_modes: list[str] | None = list_update(MAX_MODES)
    price_min: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    price_max: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    currency: str | None = None
    req_engineers: int | None = Field(None, ge=0, le=MAX_PEOPLE)
    req_staff: int | None = Field(None, ge=0, le=MAX_PEOPLE)
    req_investment_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    req_skills: str | None = None
    req_infrastructure: str | None = None
    second_hand: bool | None = None
    equipment_year: int | None = Field(None, ge=1900, le=2100)
    status: DossierStatus | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    _check_text = field_validator("*")(check_text)
    _check_status = field_validator("status")(_not_merged)


class DossierPublic(DossierBase):
    id: int
    merged_into: int | None = Field(
        None, description="For a merged duplicate (status `merged`): the dossier kept.")
    supplier_contact: str | None = Field(  # type: ignore[assignment]
        None, description="Shown to intermediaries and admins only; null for other callers.")
    valid_until: date = Field(description=VALID_UNTIL)
    quality: Quality | None = Field(
        None, description="How complete the dossier is, with what is missing; shown to "
        "intermediaries and admins only, null for other callers.")
    created_at: datetime
    updated_at: datetime
    findings: list[FindingPublic] = Field(
        default_factory=list, description="Screening findings not dismissed, most serious "
        "first (`GET /dossiers/{id}/findings` for every one).")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def expired(self) -> bool:
        """Whether `valid_until` has passed: the dossier is out of search and matching."""
        return is_expired(self.valid_until)


class DossiersPublic(SQLModel):
    data: list[DossierPublic]
    count: int
