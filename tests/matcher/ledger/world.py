"""Ledger test world: a database with the sectors, a few records to introduce, a plan."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

import matcher.ledger.models  # noqa: F401  (registers the ledger tables)
from matcher.ingest.seed import load_sectors
from matcher.ledger.models import Plan, PlanPeriod, Target
from matcher.models import Dossier, Enterprise, Need
from matcher.platform.config import REPO_ROOT
from matcher.platform.db import create_tables, make_engine
from tests.factories import dossier_payload, enterprise_payload, need_payload

SEED = REPO_ROOT / "seed_data"


def ledger_engine(url: str = "sqlite://") -> Engine:
    """A database with every table and the seed sector taxonomies (in memory by default)."""
    built = make_engine(url, poolclass=StaticPool) if url == "sqlite://" else make_engine(url)
    create_tables(built)
    with Session(built) as s:
        load_sectors(s, SEED / "sectors.json")
        s.commit()
    return built


@dataclass
class World:
    """Two Bắc Giang enterprises in priority sectors, one outside them, one in Hải Phòng;
    Korean, Japanese and Vietnamese dossiers; a need of the first enterprise."""

    session: Session
    agro: Enterprise
    mech: Enterprise
    unlisted: Enterprise
    haiphong: Enterprise
    korean: Dossier
    japanese: Dossier
    domestic: Dossier
    need: Need


def add(session: Session, record):
    session.add(record)
    session.flush()
    return record


def build_world(session: Session) -> World:
    agro = add(session, Enterprise.model_validate(enterprise_payload()))
    mech = add(session, Enterprise.model_validate(enterprise_payload(main_sector="BG-b")))
    unlisted = add(session, Enterprise.model_validate(enterprise_payload(main_sector=None)))
    haiphong = add(session, Enterprise.model_validate(enterprise_payload(
        jurisdiction="HP", main_sector="HP-1.8", province="Hải Phòng")))
    korean = add(session, Dossier.model_validate(dossier_payload()))
    japanese = add(session, Dossier.model_validate(dossier_payload(origin_country="JP",
                                                                   source="national_db")))
    domestic = add(session, Dossier.model_validate(dossier_payload(origin_country="VN")))
    need = add(session, Need.model_validate(need_payload(agro.id)))
    session.commit()
    return World(session, agro, mech, unlisted, haiphong, korean, japanese, domestic, need)


def add_plan(session: Session, jurisdiction: str = "BG", **targets: float) -> PlanPeriod:
    """A plan with one period 2023–2025 and the given targets."""
    plan = add(session, Plan(ref=f"P-{jurisdiction}", jurisdiction=jurisdiction, title="Plan"))
    period = add(session, PlanPeriod(plan_id=plan.id, label="2023–2025",
                                     start=date(2023, 1, 1), end=date(2025, 12, 31)))
    for indicator, value in targets.items():
        add(session, Target(period_id=period.id, indicator=indicator, value=value))
    session.commit()
    return period
