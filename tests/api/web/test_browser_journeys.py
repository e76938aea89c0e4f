"""A broker's whole journey in a real browser, through the menu and the forms only: log in,
find a need typed without diacritics, introduce one of its foreign suggestions, move the
introduction to a signed transfer, and see the progress page count it."""

import re

import pytest
from sqlmodel import select

from matcher.ledger.counting import DOMESTIC
from matcher.models import Dossier, Enterprise, Need
from matcher.text.vietnamese import strip_diacritics
from tests.api.web.conftest import log_in

pytestmark = pytest.mark.browser


def a_bg_need_with_a_title(site) -> tuple[int, str]:
    """A seed need of Bắc Giang whose title carries diacritics, with no introduction yet."""
    from matcher.ledger.models import Introduction

    with site.runtime.session() as session:
        introduced = set(session.exec(select(Introduction.need_id)).all())
        for need in session.exec(select(Need).join(Enterprise, Enterprise.id == Need.enterprise_id)
                                 .where(Enterprise.jurisdiction == "BG")
                                 .order_by(Need.id.desc())).all():  # type: ignore[union-attr]
            if need.title and strip_diacritics(need.title) != need.title \
                    and need.id not in introduced and need.status.value == "open":
                return need.id, need.title
    raise AssertionError("the seed has no open Bắc Giang need with a Vietnamese title")


def first_foreign_suggestion(page, site):
    """The first suggestion card of a foreign dossier: only foreign technology counts towards
    the province's targets (a Vietnamese dossier may well rank first)."""
    cards = page.locator(".result")
    for n in range(cards.count()):
        href = cards.nth(n).locator("h3 a").get_attribute("href") or ""
        with site.runtime.session() as session:
            dossier = session.get(Dossier, int(href.rsplit("/", 1)[-1]))
            if dossier is not None and dossier.origin_country != DOMESTIC:
                return cards.nth(n)
    raise AssertionError("no foreign dossier among the suggestions")


def test_a_broker_introduces_a_match_and_sees_the_transfer_counted(page, site):
    need_id, title = a_bg_need_with_a_title(site)
    log_in(page, site, "intermediary")
    menu = page.get_by_role("navigation", name="Menu chính")

    menu.get_by_role("link", name="Tiến độ").click()
    counted = page.locator("#ind-technologies_transferred td.value")
    before = int(counted.inner_text())

    menu.get_by_role("link", name="Nhu cầu").click()
    page.get_by_label("Có chứa").fill(strip_diacritics(title))  # typed without diacritics
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name=title, exact=True).click()
    page.wait_for_url(f"**/web/needs/{need_id}")

    suggestion = first_foreign_suggestion(page, site)
    assert suggestion.locator(".explanation li").count() > 0  # each suggestion says why
    suggestion.get_by_role("button", name="Giới thiệu").click()
    page.wait_for_url(re.compile(r".*/web/introductions/\d+$"))
    assert page.locator("#status").inner_text() == "Đã giới thiệu"

    for step, shown in (("interested", "Quan tâm"), ("negotiating", "Đang đàm phán")):
        page.get_by_label("Bước tiếp theo").select_option(step)
        page.get_by_role("button", name="Ghi nhận bước").click()
        page.wait_for_url("**?done=step")
        assert page.locator("#status").inner_text() == shown
    transfer = page.locator("#transfer-form")
    transfer.get_by_label("Hình thức chuyển giao").select_option("licence")
    transfer.get_by_label("Giá trị hợp đồng").fill("850.000.000")
    page.get_by_role("button", name="Ghi nhận chuyển giao").click()
    page.wait_for_url("**?done=transfer")
    assert page.locator("#status").inner_text() == "Đã chuyển giao"

    menu.get_by_role("link", name="Giới thiệu").click()  # the board
    assert page.locator("[data-status=transferred]").get_by_text(title).count() >= 1

    menu.get_by_role("link", name="Tiến độ").click()
    assert int(counted.inner_text()) == before + 1
