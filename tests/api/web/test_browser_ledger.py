"""In a real browser, on the seeded site: the board of introductions, an introduction moved
step by step through the forms to a signed transfer (and the province's transfer count on the
progress page going up by one), and an import with a bad row showing its error table."""

import re
from datetime import date

import pytest
from sqlmodel import select

from matcher.auth.policy import SYSTEM
from matcher.ledger.counting import DOMESTIC
from matcher.ledger.service import introduce
from matcher.models import Dossier, Enterprise, Need
from matcher.platform.db import session_scope
from tests.api.web.conftest import log_in, screenshot
from tests.factories import tax_code

pytestmark = pytest.mark.browser


def new_introduction(site) -> tuple[int, str]:
    """A fresh introduction of a foreign dossier for a Bắc Giang need (the site is shared by
    the session's tests: each run makes its own); returns its id and the dossier's title."""
    with session_scope(site.runtime.engine) as session:
        need = session.exec(select(Need).join(Enterprise, Enterprise.id == Need.enterprise_id)
                            .where(Enterprise.jurisdiction == "BG")
                            .order_by(Need.id)).first()  # type: ignore[arg-type]
        dossier = session.exec(select(Dossier).where(Dossier.origin_country != DOMESTIC)
                               .order_by(Dossier.id.desc())).first()  # type: ignore[union-attr]
        intro = introduce(session, dossier_id=dossier.id, enterprise_id=need.enterprise_id,
                          need_id=need.id, on=date.today(), channel="event", actor="test",
                          policy=SYSTEM)
        return intro.id, dossier.title


def transfers_shown(page) -> int:
    page.goto("/web/progress?jurisdiction=BG")
    return int(page.locator("#ind-technologies_transferred td.value").inner_text())


def test_the_board_of_introductions(page, site):
    log_in(page, site, "intermediary")
    page.goto("/web/introductions")
    assert page.get_by_role("heading", name="Giới thiệu", exact=True).is_visible()
    for column in ("Đã giới thiệu", "Đang đàm phán", "Đã chuyển giao", "Đã từ chối"):
        assert page.get_by_role("heading", name=re.compile(f"^{column}")).is_visible()
    assert page.locator("[data-status=transferred] li.card").count() > 0
    screenshot(page, "introductions")


def test_an_introduction_through_the_forms_to_a_signed_transfer(page, site):
    introduction_id, title = new_introduction(site)
    log_in(page, site, "intermediary")
    before = transfers_shown(page)
    page.goto(f"/web/introductions/{introduction_id}")
    assert page.locator("#status").inner_text() == "Đã giới thiệu"
    # a step the pipeline forbids is not offered, and the page says why
    assert page.get_by_label("Bước tiếp theo").locator("option[value=negotiating]").count() == 0
    assert "Từng bước một" in page.locator("ul.blocked").inner_text()
    for status, shown in (("interested", "Quan tâm"), ("negotiating", "Đang đàm phán")):
        page.get_by_label("Bước tiếp theo").select_option(status)
        page.locator("#step-form").get_by_label("Ghi chú").fill(f"Gặp doanh nghiệp: {shown}")
        page.get_by_role("button", name="Ghi nhận bước").click()
        page.wait_for_url(f"**/web/introductions/{introduction_id}?done=step")
        assert page.locator("#status").inner_text() == shown
    form = page.locator("#transfer-form")
    form.get_by_label("Hình thức chuyển giao").select_option("licence")
    form.get_by_label("Giá trị hợp đồng").fill("1.250.000.000")
    form.get_by_label("Số đăng ký").fill("CGCN-BG-2026-01")
    page.get_by_role("button", name="Ghi nhận chuyển giao").click()
    page.wait_for_url(f"**/web/introductions/{introduction_id}?done=transfer")
    assert page.locator("#status").inner_text() == "Đã chuyển giao"
    assert page.get_by_role("status").inner_text() == "Đã ghi nhận hợp đồng chuyển giao."
    assert title in page.locator("h1").inner_text()
    screenshot(page, "introduction")
    assert transfers_shown(page) == before + 1
    screenshot(page, "progress")


def test_an_import_with_a_bad_row_shows_the_error_table(page, site, tmp_path):
    log_in(page, site, "intermediary")
    page.goto("/web/import")
    path = tmp_path / "doanh-nghiep.csv"
    path.write_text("tax_code,name,province,jurisdiction,size_class,employees\n"
                    f"{tax_code()},Công ty Mới Một,Bắc Giang,BG,small,20\n"
                    "0000,Công ty Mã Sai,Bắc Giang,BG,small,20\n", "utf-8")
    page.get_by_label("Loại dữ liệu trong tệp").select_option("enterprises")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    table = page.locator("#row-errors")
    table.wait_for()
    cells = table.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells[:2] == ["2", "tax_code"]
    assert "Chưa nhập gì" in page.locator("#errors-title").inner_text()
    screenshot(page, "import-errors")
    with session_scope(site.runtime.engine) as session:
        assert session.exec(select(Enterprise).where(
            Enterprise.name == "Công ty Mới Một")).first() is None
