"""The ledger seed: plans and targets as data, a history over the records present, idempotent."""

from datetime import date

from sqlmodel import Session, func, select

from matcher.ledger.models import (
    FdiProject,
    Indicator,
    Intermediary,
    Introduction,
    IntroductionEvent,
    Plan,
    Target,
    Training,
)
from matcher.ledger.progress import progress
from matcher.ledger.seed import seed_ledger
from matcher.platform.config import REPO_ROOT
from tests.matcher.ledger.world import World

SEED = REPO_ROOT / "seed_data"
TABLES = (Plan, Target, Intermediary, Training, FdiProject, Introduction, IntroductionEvent)


def _counts(session: Session) -> dict[str, int]:
    return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in TABLES}


def test_seed_loads_bac_giang_targets_and_is_idempotent(world: World) -> None:
    first = seed_ledger(world.session, SEED)
    world.session.commit()
    before = _counts(world.session)
    again = seed_ledger(world.session, SEED)
    world.session.commit()
    assert _counts(world.session) == before
    assert first["introductions"] > 0 and again["introductions"] == 0
    assert again["trainings"] == again["fdi_projects"] == 0
    result = progress(world.session, "BG", as_of=date(2025, 12, 31))
    targets = {i.indicator: i.target for i in result.indicators}
    assert targets == {Indicator.foreign_dossiers_introduced: 80,
                       Indicator.technologies_transferred: 5, Indicator.people_trained: 100,
                       Indicator.fdi_transfer_growth: 10,
                       Indicator.rd_capable_manufacturers_share: 30}
    assert result.get(Indicator.fdi_transfer_growth).value == 11.2
    later = progress(world.session, "BG", as_of=date(2027, 1, 1))
    assert later.period == "2026–2030"
    assert later.get(Indicator.foreign_dossiers_introduced).target == 160


def test_hai_phong_plan_has_sectors_but_no_numeric_targets(world: World) -> None:
    seed_ledger(world.session, SEED)
    plan = world.session.exec(select(Plan).where(Plan.jurisdiction == "HP")).one()
    assert len(plan.sector_codes) == 8 and plan.report_due == "11-30"
    result = progress(world.session, "HP", as_of=date(2025, 12, 31))
    assert all(i.target is None and i.pace is None for i in result.indicators)


def test_seed_without_ledger_files_does_nothing(session: Session, tmp_path) -> None:
    assert seed_ledger(session, tmp_path) == {"plans": 0, "intermediaries": 0, "trainings": 0,
                                              "fdi_projects": 0, "introductions": 0}
