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


def test_logging_in_works_from_the_keyboard_alone(page, site):
    page.goto("/web/login")
    for _ in range(10):  # skip link, brand, language switch, then the form
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-email":
            break
    assert page.evaluate("document.activeElement.id") == "f-email"
    page.keyboard.type(site.users["organiser"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/web/")
    assert page.get_by_role("heading", name="Xin chào, Người dùng organiser").is_visible()


def test_the_switch_shows_the_pages_in_english(page, site):
    log_in(page, site, "admin")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Welcome, Người dùng admin").is_visible()
    page.get_by_role("link", name="Tiếng Việt").click()
    assert page.get_by_role("heading", name="Xin chào, Người dùng admin").is_visible()
