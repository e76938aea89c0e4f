"""The annual report (báo cáo hằng năm, due 15 December): XLSX workbook and PNG progress chart."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from matcher.auth.policy import SYSTEM, Policy, View
from matcher.ingest.spreadsheet import looks_like_formula
from matcher.ledger import counting
from matcher.ledger.models import (
    Indicator,
    Intermediary,
    Introduction,
    Training,
    TrainingParticipant,
)
from matcher.ledger.pipeline import status_of
from matcher.ledger.progress import Pace, Progress, find_period, progress
from matcher.models import Jurisdiction, Need
from matcher.models.sector_catalog import SectorCatalog

PACE_VI = {Pace.on_track: "đúng tiến độ", Pace.at_risk: "có nguy cơ chậm", Pace.behind: "chậm"}
CHARTED = [Indicator.foreign_dossiers_introduced, Indicator.technologies_transferred,
           Indicator.people_trained]


class YearNotBegun(ValueError):
    """A report asked for a year that has not begun (the API answers 422 at `year`)."""


@dataclass
class Annual:
    """Everything one year's report shows: the year's window and the period so far. A year not
    finished yet is reported to date (`to_date`): its window ends today."""

    jurisdiction: str
    name: str
    year: int
    start: date
    end: date
    cumulative: Progress
    year_progress: Progress
    verdicts: list[counting.Verdict]
    series: dict[Indicator, list[date]]
    to_date: bool = False

    @property
    def heading_vi(self) -> str:
        """What the report covers, in its own words: the year, or the year to date."""
        if self.to_date:
            return (f"năm {self.year} (năm chưa kết thúc: số liệu từ đầu năm đến "
                    f"{self.end:%d/%m/%Y})")
        return f"năm {self.year}"


def annual(session: Session, jurisdiction: str, year: int, today: date | None = None) -> Annual:
    """The year's figures and the period's cumulative progress to 31 December (or the
    period's end); for the year not finished at `today` (default today), to `today`, so that
    nothing still to come reads as a fall (an FDI growth of −100 %/year)."""
    today = today or date.today()
    if date(year, 1, 1) > today:
        raise YearNotBegun(f"the year {year} has not begun (today is {today})")
    to_date = date(year, 12, 31) > today
    _, period = find_period(session, jurisdiction, min(date(year, 12, 31), today))
    start = max(date(year, 1, 1), period.start)
    end = min(date(year, 12, 31), period.end, today)
    cumulative = progress(session, jurisdiction, as_of=end)
    in_year = progress(session, jurisdiction, as_of=end, since=start)
    first = period.start
    tally = counting.foreign_dossiers_introduced(session, jurisdiction, first, end)
    people = counting.people_trained(session, jurisdiction, first, end)
    series = {
        Indicator.foreign_dossiers_introduced: sorted(c.first_introduced for c in tally.counted),
        Indicator.technologies_transferred: sorted(
            t.contract_date for t, _, _ in counting.transfers(session, jurisdiction, first, end)),
        Indicator.people_trained: sorted(courses[0].held_on for courses in people.values()),
    }
    found = session.get(Jurisdiction, jurisdiction)
    return Annual(jurisdiction, found.name if found else jurisdiction, year, start, end,
                  cumulative, in_year,
                  counting.verdicts(session, jurisdiction, start, end), series,
                  to_date=to_date and end == today)


def _safe(value: Any) -> Any:
    return ", ".join(sorted(value)) if isinstance(value, set) else value


def write_row(sheet: Worksheet, values: Iterable[Any], bold: bool = False) -> None:
    """Append a row; text that a spreadsheet would run as a formula stays text."""
    sheet.append([_safe(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
        if bold:
            cell.font = Font(bold=True)


def _summary(sheet: Worksheet, data: Annual) -> None:
    p = data.cumulative
    write_row(sheet, [f"Báo cáo kết quả thực hiện Đề án 1851 — {data.name} — "
                      f"{data.heading_vi}"], bold=True)
    write_row(sheet, ["Kế hoạch", p.plan, "Giai đoạn", p.period, "Tính đến", p.as_of])
    write_row(sheet, [])
    year_label = f"Năm {data.year}" + (f" (đến {data.end:%d/%m})" if data.to_date else "")
    write_row(sheet, ["Chỉ tiêu", "Mã", year_label, "Lũy kế giai đoạn", "Mục tiêu",
                      "Đơn vị", "% mục tiêu", "Dự báo cuối kỳ", "Tiến độ", "Số lượt giới thiệu",
                      "Ghi chú"], bold=True)
    for item in p.indicators:
        in_year = data.year_progress.get(item.indicator)
        write_row(sheet, [item.label_vi, item.indicator.value, in_year.value, item.value,
                          item.target, item.unit, item.percent, item.projection,
                          PACE_VI.get(item.pace, "") if item.pace else "", item.introductions,
                          item.note])


def _party(session: Session, policy: Policy, enterprise: Any, need: Need | None) -> list[str]:
    """Enterprise name, tax code and need ref of a row, as the reader may see them: blank for
    readers not shown whom a record concerns, or who may not see its need."""
    hidden = need is not None and policy.view_of(session, need) is not View.full
    if hidden or not policy.sees_identities():
        return ["", "", ""]
    return [enterprise.name, enterprise.tax_code, need.ref if need else ""]


def _introductions(session: Session, sheet: Worksheet, data: Annual, policy: Policy) -> None:
    names = {i.id: i.name for i in session.exec(select(Intermediary)).all()}
    write_row(sheet, ["Ngày giới thiệu", "Mã giới thiệu", "Hồ sơ", "Tên công nghệ", "Xuất xứ",
                      "Nguồn", "Doanh nghiệp", "Mã số thuế", "Nhu cầu", "Tổ chức trung gian",
                      "Kênh", "Trạng thái", "Được tính", "Lĩnh vực ưu tiên", "Lý do không tính"],
              bold=True)
    for v in data.verdicts:
        intro = v.introduction
        need = session.get(Need, intro.need_id) if intro.need_id else None
        write_row(sheet, [intro.introduced_on, intro.ref or intro.id, v.dossier.ref,
                          v.dossier.title, v.dossier.origin_country, str(v.dossier.source),
                          *_party(session, policy, v.enterprise, need),
                          names.get(intro.intermediary_id, ""), str(intro.channel),
                          str(status_of(session, intro)), "có" if not v.excluded else "không",
                          v.sectors, v.excluded or ""])


def _transfers(session: Session, sheet: Worksheet, data: Annual, policy: Policy) -> None:
    write_row(sheet, ["Ngày ký hợp đồng", "Hồ sơ", "Tên công nghệ", "Xuất xứ", "Doanh nghiệp",
                      "Mã số thuế", "Giá trị", "Tiền tệ", "Phương thức", "Số đăng ký",
                      "Ngày đăng ký"], bold=True)
    for t, d, e in counting.transfers(session, data.jurisdiction, data.start, data.end):
        intro = session.get(Introduction, t.introduction_id) if t.introduction_id else None
        need = session.get(Need, intro.need_id) if intro and intro.need_id else None
        party = _party(session, policy, e, need)
        write_row(sheet, [t.contract_date, d.ref, d.title, d.origin_country,
                          *party[:2], t.value, t.currency, str(t.mode),
                          # the registration names the contract's parties in the DoST's books
                          t.registration_number if party[0] else "", t.registration_date])


def _trainings(session: Session, sheet: Worksheet, data: Annual) -> None:
    write_row(sheet, ["Ngày", "Mã", "Khóa học", "Hình thức", "Số học viên"], bold=True)
    trainings = session.exec(select(Training).where(
        Training.jurisdiction == data.jurisdiction, col(Training.held_on) >= data.start,
        col(Training.held_on) <= data.end).order_by(col(Training.held_on))).all()
    for t in trainings:
        n = len(session.exec(select(TrainingParticipant).where(
            TrainingParticipant.training_id == t.id)).all())
        write_row(sheet, [t.held_on, t.ref, t.course, str(t.format), n])
    people = data.year_progress.get(Indicator.people_trained).value
    write_row(sheet, ["Tổng số người được đào tạo (không trùng lặp)", "", "", "", people],
              bold=True)


def _by_sector(session: Session, sheet: Worksheet, data: Annual) -> None:
    catalog = SectorCatalog.from_session(session)
    year = data.year_progress.breakdowns["sector"]
    total = data.cumulative.breakdowns["sector"]
    write_row(sheet, ["Mã lĩnh vực", "Lĩnh vực ưu tiên", f"Hồ sơ năm {data.year}",
                      "Hồ sơ lũy kế giai đoạn"], bold=True)
    codes = sorted(c for c, s in catalog.by_code.items() if s.jurisdiction == data.jurisdiction)
    for code in codes:
        write_row(sheet, [code, catalog.by_code[code].name_vi, year.get(code, 0),
                          total.get(code, 0)])
    write_row(sheet, ["Một hồ sơ giới thiệu cho doanh nghiệp thuộc hai lĩnh vực được tính ở "
                      "cả hai dòng."])


def workbook(session: Session, data: Annual, *, policy: Policy) -> Workbook:
    """The report workbook: summary, introductions, transfers, trainings, by sector (the
    parties to each row as `policy` lets the reader see them)."""
    book = Workbook()
    sheets = book.active
    assert sheets is not None
    sheets.title = "summary"
    _summary(sheets, data)
    _introductions(session, book.create_sheet("introductions"), data, policy)
    _transfers(session, book.create_sheet("transfers"), data, policy)
    _trainings(session, book.create_sheet("trainings"), data)
    _by_sector(session, book.create_sheet("by sector"), data)
    return book


def chart_png(data: Annual) -> bytes:
    """Cumulative progress per indicator against its target, labelled in Vietnamese."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.dates import DateFormatter

    p = data.cumulative
    start, end = p.start, p.end
    fig, axes = plt.subplots(len(CHARTED), 1, figsize=(10, 10), dpi=100)
    fig.subplots_adjust(left=0.08, right=0.97, top=0.91, bottom=0.06, hspace=0.35)
    for ax, indicator in zip(axes, CHARTED, strict=True):
        item = p.get(indicator)
        days = data.series[indicator]
        ax.step([start, *days, p.as_of], [0, *range(1, len(days) + 1), len(days)], where="post",
                color="tab:blue", linewidth=2, label="Thực hiện lũy kế")
        if item.target:
            ax.plot([start, end], [0, item.target], color="tab:gray", linestyle=":",
                    label="Lộ trình đều đến cuối kỳ")
            ax.axhline(item.target, color="tab:red", linestyle="--",
                       label=f"Mục tiêu: {item.target:g} {item.unit}")
        verdict = f" — {PACE_VI[item.pace]}" if item.pace else ""
        ax.set_title(f"{item.label_vi}: {item.value:g}"
                     + (f" / {item.target:g} ({item.percent:g} %){verdict}"
                        if item.target else ""))
        ax.set_xlim(start, end)
        ax.set_ylim(0, max(item.target or 0, len(days), 1) * 1.25)
        ax.xaxis.set_major_formatter(DateFormatter("%m/%Y"))
        ax.set_ylabel("Lũy kế")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8)
    axes[-1].set_xlabel("Thời gian (tháng/năm)")
    so_far = ", năm chưa kết thúc" if data.to_date else ""
    fig.suptitle(f"Tiến độ thực hiện Đề án 1851 — {data.name}, giai đoạn {p.period} "
                 f"(đến {p.as_of:%d/%m/%Y}{so_far})", fontsize=13)
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def xlsx_bytes(session: Session, data: Annual, *, policy: Policy) -> bytes:
    buffer = BytesIO()
    workbook(session, data, policy=policy).save(buffer)
    return buffer.getvalue()


def write_annual(session: Session, jurisdiction: str, year: int, out_dir: Path,
                 today: date | None = None) -> tuple[Path, Path]:
    """Write `ketnoi-<J>-<year>.xlsx` and `.png` into out_dir (a year not finished at `today`:
    to date); returns both paths. For the CLI: the operator at the server reads the report in
    full."""
    data = annual(session, jurisdiction, year, today)
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = out_dir / f"ketnoi-{jurisdiction}-{year}.xlsx"
    png = out_dir / f"ketnoi-{jurisdiction}-{year}.png"
    xlsx.write_bytes(xlsx_bytes(session, data, policy=SYSTEM))
    png.write_bytes(chart_png(data))
    return xlsx, png
