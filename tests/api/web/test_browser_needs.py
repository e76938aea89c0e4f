"""In a real browser, on the seeded site: an enterprise submits a need (first with an error
shown next to its field), a broker searches with Vietnamese typed without diacritics, and a
broker introduces a suggested dossier from a need's page."""

import re

import pytest
from sqlmodel import select

from matcher.auth.policy import SYSTEM
from matcher.ledger.models import Introduction
from matcher.models import Dossier, Enterprise, NeedCreate
from matcher.services import needs
from matcher.text.vietnamese import strip_diacritics
from tests.api.web.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_an_enterprise_submits_a_need_and_sees_suggestions(page, site):
    log_in(page, site, "enterprise")
    page.goto("/web/needs")
    page.get_by_role("link", name="Gửi nhu cầu").click()
    page.get_by_label("Tiêu đề").fill("Sấy vải thiều giữ màu đỏ")
    page.get_by_label("Vấn đề cần giải quyết").fill("lò")
    page.get_by_role("button", name="Gửi nhu cầu").click()
    problem = page.get_by_label("Vấn đề cần giải quyết")
    assert problem.get_attribute("aria-invalid") == "true"
    assert page.locator("#e-problem").inner_text() == "Quá ngắn: cần ít nhất 3 ký tự."
    assert page.get_by_label("Tiêu đề").input_value() == "Sấy vải thiều giữ màu đỏ"
    screenshot(page, "need-form-error")

    problem.fill("Vải thiều sấy bằng lò than bị thâm, mất mùi, tốn nhiều than; cần máy sấy "
                 "bơm nhiệt giữ màu và hương vị quả.")
    page.get_by_label("Ngân sách đến (đồng)").fill("2.000.000.000")
    page.get_by_role("button", name="Gửi nhu cầu").click()
    page.wait_for_url(re.compile(r".*/web/needs/\d+$"))
    assert page.get_by_role("heading", name="Sấy vải thiều giữ màu đỏ").is_visible()
    budget = page.locator("dd", has_text=re.compile(r"^đến 2\.000\.000\.000\s₫$"))
    assert budget.count() == 1  # typed 2.000.000.000, shown the Vietnamese way
    assert page.get_by_role("heading", name="Công nghệ được gợi ý").is_visible()
    results = page.locator(".result")
    assert results.count() > 0
    assert "Lý do gợi ý" in results.first.inner_text()
    assert results.first.locator(".explanation li").count() > 0
    assert page.get_by_role("button", name="Giới thiệu").count() == 0  # not for enterprises
    screenshot(page, "need")


def test_a_broker_finds_a_vietnamese_dossier_typed_without_diacritics(page, site):
    with site.runtime.session() as session:
        title = session.exec(select(Dossier.title).where(Dossier.ref == "D-0022")).one()
    typed = strip_diacritics(title)
    assert typed != title
    log_in(page, site, "intermediary")
    page.goto("/web/search")
    page.get_by_label("Bạn đang tìm công nghệ gì?").fill(typed)
    page.get_by_role("button", name="Tìm kiếm", exact=True).click()
    page.wait_for_url("**/web/search?**")
    found = page.locator(".result", has=page.get_by_role("link", name=title, exact=True))
    assert found.count() == 1
    assert found.locator(".explanation li").count() > 0
    assert page.locator(".read-as").is_visible()  # the query read with its diacritics
    screenshot(page, "search")
    found.get_by_role("link", name=title, exact=True).click()
    page.wait_for_url(re.compile(r".*/web/dossiers/\d+$"))
    assert page.get_by_role("heading", name=title, exact=True).is_visible()
    assert page.get_by_text("Liên hệ nhà cung cấp").is_visible()  # brokers see contacts
    screenshot(page, "dossier")


def test_a_broker_introduces_a_suggestion_from_a_need(page, site):
    runtime = site.runtime
    with runtime.session() as session:
        enterprise = session.exec(select(Enterprise).where(Enterprise.jurisdiction == "BG")
                                  .order_by(Enterprise.id)).first()  # type: ignore[arg-type]
        assert enterprise is not None
        need = needs.create_need(session, SYSTEM, NeedCreate(
            enterprise_id=enterprise.id, title="Truy xuất nguồn gốc vải thiều bằng mã QR",
            problem="Cần gắn mã QR truy xuất nguồn gốc cho từng thùng vải thiều xuất khẩu.",
            sector_codes=["BG-d"]))
        runtime.commit(session, "browser need")
        need_id, enterprise_id = need.id, enterprise.id
    log_in(page, site, "intermediary")
    page.goto(f"/web/needs/{need_id}")
    first = page.locator(".result").first
    dossier_href = first.get_by_role("link").first.get_attribute("href")
    assert dossier_href is not None
    first.get_by_role("button", name="Giới thiệu").click()
    page.wait_for_url(re.compile(r".*/web/introductions/\d+$"))
    intro_id = int(page.url.rsplit("/", 1)[1])
    with runtime.session() as session:
        intro = session.get(Introduction, intro_id)
        assert intro is not None
        assert (intro.need_id, intro.dossier_id, intro.enterprise_id) == (
            need_id, int(dossier_href.rsplit("/", 1)[1]), enterprise_id)
