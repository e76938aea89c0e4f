"""The progress page: each indicator's value, target, percent and pace from the API's progress
function, drawn as bars; a province without a plan says so; the annual report downloads."""

import io
import re
from datetime import date

from openpyxl import load_workbook

from matcher.ledger.models import Introduction, TransferCreate
from matcher.ledger.service import record_transfer, set_status
from matcher.platform.db import session_scope
from tests.api.web.conftest import login
from tests.api.web.test_introductions_pages import make_ledger


def transferred(text: str) -> str:
    """The value cell of the transfers indicator."""
    row = re.search(r'<tr id="ind-technologies_transferred">(.*?)</tr>', text, re.S)
    assert row, "no transfers row"
    return re.search(r'<td class="value">(.*?)</td>', row.group(1)).group(1)


def sign(runtime, introduction_id: int) -> None:
    with session_scope(runtime.engine) as session:
        intro = session.get(Introduction, introduction_id)
        for status in ("interested", "negotiating"):
            set_status(session, intro, status, on=date.today(), actor="test")
        record_transfer(session, intro, TransferCreate(contract_date=date.today(),
                                                       mode="licence"))


def test_progress_shows_every_indicator_against_its_target(web, runtime):
    ledger = make_ledger(runtime)
    login(web, runtime, "intermediary")
    page = web.get("/web/progress")
    assert page.status_code == 200
    text = page.text
    assert "BG-1851-2023" in text and "2026–2030" in text
    assert transferred(text) == "0"
    row = re.search(r'<tr id="ind-foreign_dossiers_introduced">(.*?)</tr>', text, re.S).group(1)
    assert "Hồ sơ công nghệ nước ngoài được giới thiệu" in row and "160 hồ sơ" in row
    assert "<svg" in text and 'role="img"' in text
    sign(runtime, ledger.bg_intro)
    after = web.get("/web/progress?jurisdiction=BG").text
    assert transferred(after) == "1"
    row = re.search(r'<tr id="ind-technologies_transferred">(.*?)</tr>', after, re.S).group(1)
    assert "10 công nghệ" in row and "10%" in row.replace("\xa0", "")
    assert re.search(r'class="tag pace-\w+">(Đúng tiến độ|Có nguy cơ chậm|Chậm tiến độ)<', row)
    earlier = web.get("/web/progress?jurisdiction=BG&period=2023–2025").text
    assert "01/01/2023" in earlier and transferred(earlier) == "0"


def test_a_province_without_a_plan_says_so(web, runtime):
    make_ledger(runtime)
    login(web, runtime, "admin")
    page = web.get("/web/progress?jurisdiction=VN")
    assert page.status_code == 200
    assert "Tỉnh này chưa có kế hoạch" in page.text and 'id="indicators"' not in page.text


def test_the_annual_report_downloads_as_the_api_gives_it(web, runtime):
    make_ledger(runtime)
    login(web, runtime, "organiser")
    page = web.get("/web/progress").text
    link = re.search(r'id="report-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    workbook = web.get(link)
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "ketnoi-BG-" in workbook.headers["content-disposition"]
    assert load_workbook(io.BytesIO(workbook.content)).sheetnames
    chart = web.get(link + "&format=png")
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    assert web.get("/web/report?jurisdiction=BG&year=2010").status_code == 404
    assert web.get("/web/report?jurisdiction=BG&year=1800").status_code == 422
