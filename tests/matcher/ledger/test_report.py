"""The annual report: workbook contents read back, and the chart opened."""

from datetime import date
from io import BytesIO

from matplotlib import image
from openpyxl import load_workbook

from matcher.auth.policy import SYSTEM
from matcher.ledger.models import Indicator, IntroductionStatus, TransferCreate
from matcher.ledger.report import annual, write_annual, xlsx_bytes
from matcher.ledger.service import introduce, record_transfer, set_status
from matcher.models.enums import TransferMode
from tests.matcher.ledger.world import World, add_plan


def _history(world: World) -> None:
    add_plan(world.session, foreign_dossiers_introduced=80, technologies_transferred=5)
    introduce(world.session, dossier_id=world.japanese.id, enterprise_id=world.agro.id,
              on=date(2024, 3, 1), channel="event", actor="t", policy=SYSTEM)
    intro = introduce(world.session, dossier_id=world.korean.id, enterprise_id=world.agro.id,
                      need_id=world.need.id, on=date(2025, 2, 1), channel="direct", actor="t",
                      policy=SYSTEM)
    introduce(world.session, dossier_id=world.korean.id, enterprise_id=world.mech.id,
              on=date(2025, 3, 1), channel="online", actor="t", policy=SYSTEM)
    introduce(world.session, dossier_id=world.domestic.id, enterprise_id=world.agro.id,
              on=date(2025, 3, 2), channel="online", actor="t", policy=SYSTEM)
    set_status(world.session, intro, IntroductionStatus.interested, on=date(2025, 3, 1), actor="t")
    set_status(world.session, intro, IntroductionStatus.negotiating, on=date(2025, 4, 1), actor="t")
    record_transfer(world.session, intro, TransferCreate(
        contract_date=date(2025, 6, 1), value=50_000, currency="USD", mode=TransferMode.licence,
        registration_number="=HYPERLINK(\"http://x\")"))
    world.session.commit()


def _book(world: World):
    data = annual(world.session, "BG", 2025)
    return load_workbook(BytesIO(xlsx_bytes(world.session, data, policy=SYSTEM)))


def test_workbook_numbers_equal_the_ledger(world: World) -> None:
    _history(world)
    book = _book(world)
    assert book.sheetnames == ["summary", "introductions", "transfers", "trainings",
                               "by sector"]
    rows = {r[1]: r for r in book["summary"].iter_rows(min_row=5, values_only=True)}
    dossiers = rows["foreign_dossiers_introduced"]
    # in 2025: the Korean dossier (2 introductions); the period so far adds the Japanese one
    assert dossiers[2:5] == (1, 2, 80) and dossiers[9] == 3
    assert rows["technologies_transferred"][2:5] == (1, 1, 5)
    intro_rows = list(book["introductions"].iter_rows(min_row=2, values_only=True))
    assert [(r[0].date(), r[12], r[14]) for r in intro_rows] == [
        (date(2025, 2, 1), "có", None), (date(2025, 3, 1), "có", None),
        (date(2025, 3, 2), "không", "domestic dossier")]
    assert intro_rows[0][11] == "transferred"
    by_sector = {r[0]: r[2:4] for r in book["by sector"].iter_rows(min_row=2, values_only=True)}
    assert by_sector["BG-d"] == (1, 2) and by_sector["BG-b"] == (1, 1)


def test_text_that_looks_like_a_formula_is_written_as_text(world: World) -> None:
    _history(world)
    cell = _book(world)["transfers"]["J2"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_annual_writes_both_files_and_the_chart_opens(world: World, tmp_path) -> None:
    _history(world)
    xlsx, png = write_annual(world.session, "BG", 2025, tmp_path)
    assert xlsx.name == "ketnoi-BG-2025.xlsx" and load_workbook(xlsx)["summary"]["A1"].value
    assert png.name == "ketnoi-BG-2025.png"
    pixels = image.imread(BytesIO(png.read_bytes()), format="png")
    assert pixels.shape[:2] == (1000, 1000)
    assert png.stat().st_size > 20_000


def test_series_hold_the_dates_the_chart_plots(world: World) -> None:
    _history(world)
    data = annual(world.session, "BG", 2025)
    assert data.series[Indicator.foreign_dossiers_introduced] == [date(2024, 3, 1),
                                                                  date(2025, 2, 1)]
    assert data.series[Indicator.technologies_transferred] == [date(2025, 6, 1)]
    assert data.name == "Bắc Giang"


def test_every_formula_start_is_written_as_text_and_numbers_stay_numbers() -> None:
    from openpyxl import Workbook

    from matcher.ledger.report import write_row

    sheet = Workbook().active
    write_row(sheet, ["\t=HYPERLINK(\"http://x\")", "\r+cmd", "-1+2", "@SUM(A1)", "plain", 5,
                      -3.5])
    cells = list(sheet[1])
    assert [(c.data_type, bool(c.quotePrefix)) for c in cells[:5]] == [("s", True)] * 4 + [
        ("s", False)]
    assert [(c.value, c.data_type) for c in cells[5:]] == [(5, "n"), (-3.5, "n")]


def _fdi(world: World, counts: dict[int, int]) -> None:
    from matcher.ledger.models import FdiProject

    for year, count in counts.items():
        for n in range(count):
            world.session.add(FdiProject(name=f"FDI {year}-{n}", jurisdiction="BG",
                                         investor_country="KR", year=year, with_transfer=True))
    world.session.commit()


def test_an_unfinished_year_is_reported_to_date_and_says_so(world: World) -> None:
    """On 30 June 2025 the 2025 report runs to that day: FDI growth is that of the complete
    years (2022 → 2024: 10, 10, 10: 0 %/year), not a fall to a year whose projects are still
    to come."""
    _history(world)
    _fdi(world, {2022: 10, 2023: 10, 2024: 10})
    data = annual(world.session, "BG", 2025, today=date(2025, 6, 30))
    assert (data.to_date, data.end, data.cumulative.as_of) == (True, date(2025, 6, 30),
                                                               date(2025, 6, 30))
    assert data.cumulative.get(Indicator.fdi_transfer_growth).value == 0.0
    assert data.heading_vi == ("năm 2025 (năm chưa kết thúc: số liệu từ đầu năm đến "
                               "30/06/2025)")
    book = load_workbook(BytesIO(xlsx_bytes(world.session, data, policy=SYSTEM)))
    summary = list(book["summary"].iter_rows(values_only=True))
    assert summary[0][0] == ("Báo cáo kết quả thực hiện Đề án 1851 — Bắc Giang — năm 2025 "
                             "(năm chưa kết thúc: số liệu từ đầu năm đến 30/06/2025)")
    assert summary[3][2] == "Năm 2025 (đến 30/06)"
    rows = {r[1]: r for r in summary[4:]}
    assert rows["technologies_transferred"][2] == 1  # the contract of 1 June is in
    assert rows["foreign_dossiers_introduced"][2] == 1


def test_a_finished_year_is_the_whole_year(world: World) -> None:
    _history(world)
    _fdi(world, {2022: 10, 2023: 10, 2024: 10})
    data = annual(world.session, "BG", 2025, today=date(2026, 1, 2))
    assert (data.to_date, data.end) == (False, date(2025, 12, 31))
    assert data.heading_vi == "năm 2025"
    # a complete year without a project is a real fall, and is reported as one
    assert data.cumulative.get(Indicator.fdi_transfer_growth).value == -100.0


def test_the_same_day_earlier_holds_less(world: World) -> None:
    """To date means to date: an introduction after `today` is not in the report."""
    _history(world)
    data = annual(world.session, "BG", 2025, today=date(2025, 2, 15))
    assert data.year_progress.get(Indicator.foreign_dossiers_introduced).value == 1
    assert [v.introduction.introduced_on for v in data.verdicts] == [date(2025, 2, 1)]


def test_a_year_not_begun_is_refused(world: World) -> None:
    import pytest

    from matcher.ledger.report import YearNotBegun

    _history(world)
    with pytest.raises(YearNotBegun, match="the year 2026 has not begun"):
        annual(world.session, "BG", 2026, today=date(2025, 12, 31))
