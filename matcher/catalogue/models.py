"""Source references (nguồn hồ sơ) a dossier keeps from the duplicates merged into it."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from matcher.models.enums import Source
from matcher.models.fields import utcnow


class DossierSource(SQLModel, table=True):
    """Where a duplicate merged into a dossier came from: its source, its external reference
    and the merged record (kept in the database, status `merged`, pointing here)."""

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True,
                            description="The dossier kept.")
    merged_dossier_id: int = Field(foreign_key="dossier.id", unique=True, index=True,
                                   description="The duplicate merged into it.")
    source: Source
    source_ref: str = Field("", max_length=200)
    ref: str | None = Field(None, max_length=64)
    title: str = Field(max_length=300)
    merged_at: datetime = Field(default_factory=utcnow)
    merged_by: str = Field("", max_length=300, description="Who merged it.")


class SourcePublic(BaseModel):
    """One source of a dossier: its own (`merged_at` null) or a merged duplicate's."""

    dossier_id: int
    source: Source
    source_ref: str
    ref: str | None
    title: str
    merged_at: datetime | None = None
    merged_by: str | None = None


class SourcesPublic(BaseModel):
    data: list[SourcePublic]
    count: int
