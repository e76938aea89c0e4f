"""Progress: value against target, pace projected to the end of the period, breakdowns."""

from datetime import date

import pytest

from matcher.auth.policy import SYSTEM
from matcher.ledger.models import Indicator
from matcher.ledger.progress import NoPlan, Pace, find_period, pace, progress, render_table
from matcher.ledger.service import introduce
from tests.matcher.ledger.world import World, add_plan

START, END = date(2023, 1, 1), date(2025, 12, 31)
HALFWAY = date(2024, 7, 1)  # 548 of 1096 days: exactly half the period


@pytest.mark.parametrize(("value", "expected"), [(40, Pace.on_track), (30, Pace.at_risk),
                                                 (29, Pace.behind)])
def test_pace_projects_linearly_to_the_end(value: int, expected: Pace) -> None:
    projection, verdict = pace(value, 80, START, END, HALFWAY, rate=False)
    assert projection == pytest.approx(value * 2)
    assert verdict == expected


def test_pace_after_the_end_is_the_value_and_unmet_is_behind() -> None:
    assert pace(79, 80, START, END, date(2026, 3, 1), rate=False) == (79, Pace.behind)
    assert pace(80, 80, START, END, END, rate=False) == (80, Pace.on_track)


def test_pace_before_the_start_has_no_verdict() -> None:
    assert pace(0, 80, START, END, date(2022, 12, 31), rate=False) == (None, None)


def test_rate_is_its_own_projection() -> None:
    assert pace(8, 10, START, END, HALFWAY, rate=True) == (8, Pace.at_risk)
    assert pace(12, 10, START, END, HALFWAY, rate=True) == (12, Pace.on_track)


def test_find_period_by_date_or_label_and_clear_error(world: World) -> None:
    add_plan(world.session, foreign_dossiers_introduced=80)
    assert find_period(world.session, "BG", date(2024, 1, 1))[1].label == "2023–2025"
    assert find_period(world.session, "BG", label="2023–2025")[1].start == START
    with pytest.raises(NoPlan, match="no plan of BG has a period containing 2031-01-01"):
        find_period(world.session, "BG", date(2031, 1, 1))
    with pytest.raises(NoPlan, match="no plan of HP has period '2023–2025'"):
        find_period(world.session, "HP", label="2023–2025")


def test_progress_value_percent_pace_and_breakdowns(world: World) -> None:
    add_plan(world.session, foreign_dossiers_introduced=4, people_trained=100)
    for dossier, enterprise, on in ((world.korean, world.agro, date(2023, 2, 3)),
                                    (world.korean, world.mech, date(2023, 5, 6)),
                                    (world.japanese, world.agro, date(2023, 5, 9)),
                                    (world.domestic, world.agro, date(2023, 5, 9))):
        introduce(world.session, dossier_id=dossier.id, enterprise_id=enterprise.id, on=on,
                  channel="direct", actor="t", policy=SYSTEM)
    result = progress(world.session, "BG", as_of=HALFWAY)
    item = result.get(Indicator.foreign_dossiers_introduced)
    assert (item.value, item.target, item.percent, item.introductions) == (2, 4, 50.0, 3)
    assert (item.projection, item.pace) == (4.0, Pace.on_track)
    assert result.excluded == {"domestic dossier": 1}
    assert result.breakdowns["origin_country"] == {"JP": 1, "KR": 1}
    assert result.breakdowns["sector"] == {"BG-b": 1, "BG-d": 2}
    assert result.breakdowns["month"] == {"2023-02": 1, "2023-05": 1}
    assert result.breakdowns["source"] == {"kiat": 1, "national_db": 1}
    trained = result.get(Indicator.people_trained)
    assert (trained.value, trained.pace) == (0, Pace.behind)
    assert result.get(Indicator.technologies_transferred).target is None
    assert "foreign_dossiers_introduced" in render_table(result)


def test_progress_since_gives_a_window_without_pace(world: World) -> None:
    add_plan(world.session, foreign_dossiers_introduced=4)
    for on in (date(2023, 2, 3), date(2024, 2, 3)):
        introduce(world.session, dossier_id=world.korean.id, enterprise_id=world.agro.id,
                  on=on, channel="direct", actor="t", policy=SYSTEM)
    year = progress(world.session, "BG", as_of=date(2024, 12, 31), since=date(2024, 1, 1))
    item = year.get(Indicator.foreign_dossiers_introduced)
    assert (item.value, item.introductions, item.pace, item.percent) == (1, 1, None, None)
