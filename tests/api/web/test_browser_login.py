"""In a real browser: the login page in Vietnamese, logging in, a wrong password shown beside
the form, the home page per role, and the page on a phone's width (360 px)."""

import pytest

from tests.api.web.conftest import PASSWORD, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_site_opens_on_the_login_page_in_vietnamese(page, site):
    page.goto("/")
    assert page.url.endswith("/web/login")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập KetNoi").is_visible()
    screenshot(page, "login")
    page.get_by_label("E-mail").fill(site.users["admin"])
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "E-mail hoặc mật khẩu không đúng."
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/web/")
    assert page.get_by_role("heading", name="Xin chào, Người dùng admin").is_visible()


def test_the_home_page_fits_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=site.url)
    phone = context.new_page()
    log_in(phone, site, "admin")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    context.close()
