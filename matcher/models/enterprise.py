"""Enterprises (doanh nghiệp) with their size class and absorptive capacity."""

from datetime import datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from matcher.models.enums import SizeClass
from matcher.models.fields import check_text, utcnow
from matcher.models.limits import MAX_AMOUNT, MAX_PEOPLE, MAX_TRANSFERS
from matcher.models.tax_code import validate_tax_code


class EnterpriseBase(SQLModel):
    tax_code: str = Field(
        unique=True, index=True, max_length=14, description="MST, 10 digits with check digit."
    )
    name: str = Field(min_length=2, max_length=300)
    province: str = Field("", max_length=100)
    jurisdiction: str = Field(foreign_key="jurisdiction.code", max_length=16, index=True)
    district: str = Field("", max_length=100)
    industrial_zone: str | None = Field(None, max_length=200)
    size_class: SizeClass = SizeClass.small
    employees: int = Field(0, ge=0, le=MAX_PEOPLE)
    main_sector: str | None = Field(None, max_length=32)
    engineers: int = Field(0, ge=0, le=MAX_PEOPLE, description="Engineers on staff.")
    rd_staff: int = Field(0, ge=0, le=MAX_PEOPLE, description="Staff working on R&D.")
    prior_transfers: int = Field(0, ge=0, le=MAX_TRANSFERS,
                                 description="Technology transfers received before.")
    st_budget_vnd: float = Field(0, ge=0, le=MAX_AMOUNT,
                                 description="Yearly science & technology budget, VND.")
    contact_email: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=50)

    @field_validator("tax_code")
    @classmethod
    def _tax_code(cls, value: str) -> str:
        return validate_tax_code(value)


class Enterprise(EnterpriseBase, table=True):
    """An enterprise of a jurisdiction that may receive technology."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EnterpriseCreate(EnterpriseBase):
    _check_text = field_validator("*")(check_text)


class EnterpriseUpdate(SQLModel):
    """Partial update: only the fields sent are changed (the tax code is fixed)."""

    name: str | None = Field(None, min_length=2, max_length=300)
    province: str | None = None
    jurisdiction: str | None = None
    district: str | None = None
    industrial_zone: str | None = None
    size_class: SizeClass | None = None
    employees: int | None = Field(None, ge=0, le=MAX_PEOPLE)
    main_sector: str | None = None
    engineers: int | None = Field(None, ge=0, le=MAX_PEOPLE)
    rd_staff: int | None = Field(None, ge=0, le=MAX_PEOPLE)
    prior_transfers: int | None = Field(None, ge=0, le=MAX_TRANSFERS)
    st_budget_vnd: float | None = Field(None, ge=0, le=MAX_AMOUNT)
    contact_email: str | None = None
    contact_phone: str | None = None

    _check_text = field_validator("*")(check_text)


class EnterprisePublic(EnterpriseBase):
    id: int
    created_at: datetime
    updated_at: datetime


class EnterprisesPublic(SQLModel):
    data: list[EnterprisePublic]
    count: int
