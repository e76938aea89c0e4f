"""Jurisdictions and their priority-sector taxonomies (lĩnh vực ưu tiên), versioned by period."""

from datetime import date

from sqlmodel import Field, SQLModel


class JurisdictionBase(SQLModel):
    code: str = Field(primary_key=True, max_length=16, description="Short code, e.g. `BG`.")
    name: str = Field(max_length=200)
    level: str = Field("province", max_length=20, description="`national` or `province`.")


class Jurisdiction(JurisdictionBase, table=True):
    """A country or province whose plan names priority sectors and targets."""


class JurisdictionPublic(JurisdictionBase):
    pass


class SectorBase(SQLModel):
    code: str = Field(primary_key=True, max_length=32, description="E.g. `BG-c`, `HP-1.8`.")
    jurisdiction: str = Field(foreign_key="jurisdiction.code", index=True, max_length=16)
    letter: str = Field(max_length=8, description="The letter or number used in the plan.")
    theme: str = Field(
        index=True,
        max_length=40,
        description="Cross-jurisdiction key: sectors sharing a theme are treated as equivalent.",
    )
    name_vi: str
    name_en: str
    description_vi: str = ""
    description_en: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


class Sector(SectorBase, table=True):
    """One priority sector of one jurisdiction's plan, valid for a period."""


class SectorPublic(SectorBase):
    pass


class SectorsPublic(SQLModel):
    data: list[SectorPublic]
    count: int
