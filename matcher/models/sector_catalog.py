"""Priority sectors as data: resolve codes to themes across jurisdictions and periods."""

from datetime import date

from sqlmodel import Session, select

from matcher.models import Sector


class SectorCatalog:
    """The sector table in memory: code → sector, and the theme that makes codes equivalent."""

    def __init__(self, sectors: list[Sector]) -> None:
        self.by_code = {s.code: s for s in sectors}

    @classmethod
    def from_session(cls, session: Session) -> "SectorCatalog":
        return cls(list(session.exec(select(Sector)).all()))

    def unknown(self, codes: list[str]) -> list[str]:
        """The codes that name no sector."""
        return [c for c in codes if c not in self.by_code]

    def themes(self, codes: list[str]) -> set[str]:
        """Themes of the known codes."""
        return {self.by_code[c].theme for c in codes if c in self.by_code}

    def priority_themes(self, jurisdiction: str, on: date | None = None) -> set[str]:
        """Themes of a jurisdiction's priority sectors valid on a date (default today)."""
        on = on or date.today()
        return {
            s.theme
            for s in self.by_code.values()
            if s.jurisdiction == jurisdiction
            and (s.valid_from is None or s.valid_from <= on)
            and (s.valid_to is None or on <= s.valid_to)
        }

    def label(self, code: str) -> str:
        sector = self.by_code.get(code)
        return f"{code} ({sector.name_en})" if sector else code
