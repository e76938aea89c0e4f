"""Counting rules, one function per indicator; each docstring is the rule as the README states it.

All windows are closed date intervals [start, end]. "Of the jurisdiction" means the enterprise's
`jurisdiction` field. Foreign origin means the dossier's `origin_country` is not `VN`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from matcher.ledger.models import (
    FdiProject,
    Intermediary,
    Introduction,
    Training,
    TrainingParticipant,
    Transfer,
)
from matcher.models import Dossier, Enterprise, Need
from matcher.models.sector_catalog import SectorCatalog

DOMESTIC = "VN"


@dataclass
class DossierCount:
    """One counted dossier with what it was counted under."""

    dossier_id: int
    ref: str
    title: str
    origin_country: str
    source: str
    first_introduced: date
    introductions: int = 0
    enterprises: set[int] = field(default_factory=set)
    sectors: set[str] = field(default_factory=set)
    intermediaries: set[str] = field(default_factory=set)


@dataclass
class DossierTally:
    counted: list[DossierCount]
    excluded: dict[str, int]

    @property
    def value(self) -> int:
        return len(self.counted)

    @property
    def introductions(self) -> int:
        return sum(c.introductions for c in self.counted)


def _priority_codes(catalog: SectorCatalog, jurisdiction: str, themes: set[str],
                    on: date) -> set[str]:
    """The jurisdiction's sector codes valid on `on` whose theme is among `themes`."""
    priority = catalog.priority_themes(jurisdiction, on)
    return {s.code for s in catalog.by_code.values()
            if s.jurisdiction == jurisdiction and s.theme in themes & priority
            and (s.valid_from is None or s.valid_from <= on)
            and (s.valid_to is None or on <= s.valid_to)}


@dataclass
class Verdict:
    """One introduction in the window and whether it counts (and under which sectors)."""

    introduction: Introduction
    dossier: Dossier
    enterprise: Enterprise
    sectors: set[str]
    excluded: str | None


def verdicts(session: Session, jurisdiction: str, start: date, end: date,
             catalog: SectorCatalog | None = None) -> list[Verdict]:
    """Every introduction to an enterprise of the jurisdiction shown within [start, end], with
    the rule's verdict on it."""
    catalog = catalog or SectorCatalog.from_session(session)
    rows = session.exec(
        select(Introduction, Dossier, Enterprise)
        .join(Dossier, col(Dossier.id) == Introduction.dossier_id)
        .join(Enterprise, col(Enterprise.id) == Introduction.enterprise_id)
        .where(Enterprise.jurisdiction == jurisdiction,
               col(Introduction.introduced_on) >= start, col(Introduction.introduced_on) <= end)
        .order_by(col(Introduction.introduced_on), col(Introduction.id))).all()
    out = []
    for intro, dossier, enterprise in rows:
        assert intro.introduced_on is not None
        codes = [enterprise.main_sector] if enterprise.main_sector else []
        if intro.need_id is not None:
            need = session.get(Need, intro.need_id)
            codes += need.sector_codes if need else []
        sectors = _priority_codes(catalog, jurisdiction, catalog.themes(codes),
                                  intro.introduced_on)
        excluded = ("domestic dossier" if dossier.origin_country == DOMESTIC
                    else "not in a priority sector" if not sectors else None)
        out.append(Verdict(intro, dossier, enterprise, sectors, excluded))
    return out


def foreign_dossiers_introduced(session: Session, jurisdiction: str, start: date, end: date,
                                catalog: SectorCatalog | None = None) -> DossierTally:
    """Distinct foreign-origin dossiers introduced at least once within [start, end] to an
    enterprise of the jurisdiction whose need (the one the introduction was for) or main
    sector lies in the jurisdiction's priority sectors valid on the day of the introduction,
    compared by sector theme. An introduction counts on its `introduced_on` day (suggestions
    never shown do not count; a later decline does not undo it). Each dossier counts once per
    window however many enterprises saw it; its number of qualifying introductions is kept
    beside it. Excluded introductions are tallied by reason."""
    names = {i.id: i.name for i in session.exec(select(Intermediary)).all()}
    counted: dict[int, DossierCount] = {}
    excluded: dict[str, int] = defaultdict(int)
    for v in verdicts(session, jurisdiction, start, end, catalog):
        if v.excluded:
            excluded[v.excluded] += 1
            continue
        intro, dossier = v.introduction, v.dossier
        assert dossier.id is not None and intro.introduced_on is not None
        entry = counted.setdefault(dossier.id, DossierCount(
            dossier.id, dossier.ref or f"#{dossier.id}", dossier.title, dossier.origin_country,
            str(dossier.source), intro.introduced_on))
        entry.introductions += 1
        entry.enterprises.add(v.enterprise.id or 0)
        entry.sectors |= v.sectors
        entry.intermediaries.add(names.get(intro.intermediary_id, "(none)"))
    return DossierTally(list(counted.values()), dict(excluded))


def transfers(session: Session, jurisdiction: str, start: date, end: date
              ) -> list[tuple[Transfer, Dossier, Enterprise]]:
    """Technologies transferred: signed transfer contracts with a contract date within
    [start, end], received by an enterprise of the jurisdiction, of a foreign-origin dossier.
    Each contract counts once (the same technology to two enterprises is two transfers)."""
    rows = session.exec(
        select(Transfer, Dossier, Enterprise)
        .join(Dossier, col(Dossier.id) == Transfer.dossier_id)
        .join(Enterprise, col(Enterprise.id) == Transfer.enterprise_id)
        .where(col(Transfer.contract_date) >= start, col(Transfer.contract_date) <= end,
               Enterprise.jurisdiction == jurisdiction, Dossier.origin_country != DOMESTIC)
        .order_by(col(Transfer.contract_date), col(Transfer.id))).all()
    return [(t, d, e) for t, d, e in rows]


def person_key(participant: TrainingParticipant) -> tuple[str, str]:
    """Who a participant is: name and organisation, case and spacing ignored."""
    return (" ".join(participant.name.split()).casefold(),
            " ".join(participant.organisation.split()).casefold())


def people_trained(session: Session, jurisdiction: str, start: date, end: date
                   ) -> dict[tuple[str, str], list[Training]]:
    """People trained: distinct participants (same name and organisation = same person) of
    the jurisdiction's trainings held within [start, end], online or in person; someone who
    attends three courses counts once. Returns each person with their courses."""
    rows = session.exec(
        select(TrainingParticipant, Training)
        .join(Training, col(Training.id) == TrainingParticipant.training_id)
        .where(Training.jurisdiction == jurisdiction, col(Training.held_on) >= start,
               col(Training.held_on) <= end)
        .order_by(col(Training.held_on), col(TrainingParticipant.id))).all()
    people: dict[tuple[str, str], list[Training]] = defaultdict(list)
    for participant, training in rows:
        courses = people[person_key(participant)]
        if training not in courses:
            courses.append(training)
    return dict(people)


@dataclass
class FdiGrowth:
    base_year: int
    counts: dict[int, int]

    @property
    def last_year(self) -> int:
        return max(self.counts)

    @property
    def average_growth(self) -> float | None:
        """Compound average yearly growth in percent from the base year to the last year."""
        base, last = self.counts[self.base_year], self.counts[self.last_year]
        years = self.last_year - self.base_year
        if base == 0 or years == 0:
            return None
        return ((last / base) ** (1 / years) - 1) * 100


def fdi_transfer_growth(session: Session, jurisdiction: str, first_year: int, last_year: int
                        ) -> FdiGrowth:
    """FDI projects with technology transfer: per year, the jurisdiction's FDI projects of that
    year flagged `with_transfer`; the growth is the compound average yearly growth from the
    year before the period (the base) to the last complete year counted, in percent."""
    base = first_year - 1
    projects = session.exec(select(FdiProject).where(
        FdiProject.jurisdiction == jurisdiction, col(FdiProject.year) >= base,
        col(FdiProject.year) <= last_year, col(FdiProject.with_transfer).is_(True))).all()
    counts = dict.fromkeys(range(base, last_year + 1), 0)
    for project in projects:
        counts[project.year] += 1
    return FdiGrowth(base, counts)
