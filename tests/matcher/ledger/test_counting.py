"""Counting rules: each indicator counts exactly what the README says."""

from datetime import date

from matcher.auth.policy import SYSTEM
from matcher.ledger import counting
from matcher.ledger.models import (
    FdiProject,
    IntroductionStatus,
    TrainingCreate,
    TrainingParticipantBase,
    TransferCreate,
)
from matcher.ledger.service import introduce, record_training, record_transfer, set_status
from matcher.models import Need
from matcher.models.enums import TransferMode
from tests.factories import need_payload
from tests.matcher.ledger.world import World, add

START, END = date(2023, 1, 1), date(2025, 12, 31)


def _introduce(world: World, dossier, enterprise, on: date, need_id=None):
    return introduce(world.session, dossier_id=dossier.id, enterprise_id=enterprise.id,
                     need_id=need_id, on=on, channel="direct", actor="t", policy=SYSTEM)


def _count(world: World, start=START, end=END) -> counting.DossierTally:
    return counting.foreign_dossiers_introduced(world.session, "BG", start, end)


def test_same_dossier_twice_counts_once_with_two_introductions(world: World) -> None:
    _introduce(world, world.korean, world.agro, date(2024, 1, 10))
    _introduce(world, world.korean, world.mech, date(2024, 2, 10))
    tally = _count(world)
    assert tally.value == 1 and tally.introductions == 2
    [entry] = tally.counted
    assert entry.first_introduced == date(2024, 1, 10)
    assert entry.sectors == {"BG-b", "BG-d"} and entry.enterprises == {world.agro.id,
                                                                       world.mech.id}


def test_introduction_outside_the_period_is_not_counted(world: World) -> None:
    _introduce(world, world.korean, world.agro, date(2022, 12, 31))
    _introduce(world, world.japanese, world.agro, date(2026, 1, 1))
    assert _count(world).value == 0
    assert _count(world, date(2026, 1, 1), date(2030, 12, 31)).value == 1


def test_period_boundaries_are_inclusive(world: World) -> None:
    _introduce(world, world.korean, world.agro, START)
    _introduce(world, world.japanese, world.agro, END)
    assert _count(world).value == 2


def test_enterprise_outside_priority_sectors_is_not_counted(world: World) -> None:
    _introduce(world, world.korean, world.unlisted, date(2024, 1, 1))
    tally = _count(world)
    assert tally.value == 0 and tally.excluded == {"not in a priority sector": 1}


def test_need_in_a_priority_sector_qualifies_an_unlisted_enterprise(world: World) -> None:
    need = add(world.session, Need.model_validate(need_payload(world.unlisted.id,
                                                               sector_codes=["BG-c"])))
    _introduce(world, world.korean, world.unlisted, date(2024, 1, 1), need_id=need.id)
    [entry] = _count(world).counted
    assert entry.sectors == {"BG-c"}


def test_sector_matched_by_theme_across_jurisdictions(world: World) -> None:
    need = add(world.session, Need.model_validate(need_payload(world.unlisted.id,
                                                               sector_codes=["VN-03"])))
    _introduce(world, world.korean, world.unlisted, date(2024, 1, 1), need_id=need.id)
    assert [e.sectors for e in _count(world).counted] == [{"BG-c"}]


def test_sector_not_yet_valid_does_not_count(world: World) -> None:
    """Bắc Giang's sectors are valid from 2023-01-01."""
    _introduce(world, world.korean, world.agro, date(2022, 6, 1))
    assert _count(world, date(2022, 1, 1), date(2022, 12, 31)).excluded == {
        "not in a priority sector": 1}


def test_domestic_dossier_is_not_counted(world: World) -> None:
    _introduce(world, world.domestic, world.agro, date(2024, 1, 1))
    assert _count(world).excluded == {"domestic dossier": 1}


def test_enterprise_of_another_jurisdiction_is_not_counted(world: World) -> None:
    _introduce(world, world.korean, world.haiphong, date(2024, 1, 1))
    assert _count(world).value == 0
    assert counting.foreign_dossiers_introduced(world.session, "HP", START, END).value == 1


def test_suggestion_never_shown_is_not_counted_but_a_declined_one_is(world: World) -> None:
    introduce(world.session, dossier_id=world.korean.id, enterprise_id=world.agro.id,
              on=date(2024, 1, 1), channel="online", actor="t", suggest_only=True, policy=SYSTEM)
    shown = _introduce(world, world.japanese, world.agro, date(2024, 1, 1))
    set_status(world.session, shown, IntroductionStatus.declined, on=date(2024, 2, 1), actor="t",
               decline_reason="cost")
    assert [c.dossier_id for c in _count(world).counted] == [world.japanese.id]


def test_transfers_count_contracts_of_foreign_dossiers_in_the_window(world: World) -> None:
    for dossier, signed in ((world.korean, date(2024, 6, 1)), (world.domestic, date(2024, 6, 1)),
                            (world.japanese, date(2026, 2, 1))):
        intro = _introduce(world, dossier, world.agro, date(2024, 1, 1))
        set_status(world.session, intro, IntroductionStatus.interested, on=date(2024, 2, 1),
                   actor="t")
        set_status(world.session, intro, IntroductionStatus.negotiating, on=date(2024, 3, 1),
                   actor="t")
        record_transfer(world.session, intro, TransferCreate(contract_date=signed,
                                                             mode=TransferMode.licence))
    rows = counting.transfers(world.session, "BG", START, END)
    assert [d.id for _, d, _ in rows] == [world.korean.id]


def test_people_trained_counts_each_person_once(world: World) -> None:
    people = [TrainingParticipantBase(name="Nguyễn Văn An", organisation="Sở KH&CN"),
              TrainingParticipantBase(name="Trần Thị Bình", organisation="Công ty A")]
    for held_on, extra in ((date(2024, 3, 1), []),
                           (date(2024, 9, 1), [TrainingParticipantBase(name="nguyễn  văn an",
                                                               organisation="sở kh&cn")]),
                           (date(2026, 3, 1), [TrainingParticipantBase(name="Lê Hải",
                                                               organisation="B")])):
        record_training(world.session, TrainingCreate(
            course="Tìm kiếm công nghệ", jurisdiction="BG", held_on=held_on,
            participants=people[:1] + extra if extra else people), policy=SYSTEM)
    trained = counting.people_trained(world.session, "BG", START, END)
    assert len(trained) == 2
    assert len(trained[("nguyễn văn an", "sở kh&cn")]) == 2


def test_fdi_growth_is_compound_from_the_year_before_the_period(world: World) -> None:
    for year, n in ((2022, 8), (2023, 9), (2024, 10), (2025, 11)):
        for i in range(n):
            add(world.session, FdiProject(name=f"P{year}{i}", jurisdiction="BG",
                                          investor_country="KR", year=year, with_transfer=True))
        add(world.session, FdiProject(name=f"X{year}", jurisdiction="BG", investor_country="JP",
                                      year=year, with_transfer=False))
    growth = counting.fdi_transfer_growth(world.session, "BG", 2023, 2025)
    assert growth.counts == {2022: 8, 2023: 9, 2024: 10, 2025: 11}
    assert round(growth.average_growth, 2) == 11.20
    assert counting.fdi_transfer_growth(world.session, "HP", 2023, 2025).average_growth is None
