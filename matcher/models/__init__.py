"""The data model: SQLModel tables and their API schemas, one module per entity."""

from matcher.models.dossier import (
    Dossier,
    DossierCreate,
    DossierPublic,
    DossiersPublic,
    DossierUpdate,
)
from matcher.models.enterprise import (
    Enterprise,
    EnterpriseCreate,
    EnterprisePublic,
    EnterprisesPublic,
    EnterpriseUpdate,
)
from matcher.models.finding import FindingPublic, ScreeningFinding
from matcher.models.need import Need, NeedCreate, NeedPublic, NeedsPublic, NeedUpdate
from matcher.models.sector import (
    Jurisdiction,
    JurisdictionPublic,
    Sector,
    SectorPublic,
    SectorsPublic,
)

__all__ = [
    "Dossier", "DossierCreate", "DossierPublic", "DossiersPublic", "DossierUpdate",
    "Enterprise", "EnterpriseCreate", "EnterprisePublic", "EnterprisesPublic", "EnterpriseUpdate",
    "FindingPublic", "ScreeningFinding",
    "Jurisdiction", "JurisdictionPublic",
    "Need", "NeedCreate", "NeedPublic", "NeedsPublic", "NeedUpdate",
    "Sector", "SectorPublic", "SectorsPublic",
]
