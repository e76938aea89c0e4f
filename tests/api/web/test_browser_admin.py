"""In a real browser, the Department's pages: an admin creates a broker's account and the
broker logs in with the password shown once; an admin issues an API key, the API takes it,
and after the admin revokes it the API refuses it; the audit log shows who did it.
Screenshots: users, keys, audit."""

import time

import pytest

from tests.api.web.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_broker_created_by_the_admin_logs_in_with_the_shown_password(page, site):
    email = f"mai.nguyen.{time.monotonic_ns()}@ttud-bg.vn"
    log_in(page, site, "admin")
    menu = page.get_by_role("navigation", name="Menu chính")
    menu.get_by_role("link", name="Người dùng", exact=True).click()
    page.wait_for_url("**/web/users")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Họ tên").fill("Nguyễn Thị Mai")
    organisation = page.get_by_role("textbox", name="Tổ chức", exact=True)
    organisation.fill("Trung tâm Ứng dụng KH&CN Bắc Giang")
    page.get_by_label("Vai trò").select_option("intermediary")
    page.get_by_label("Tỉnh (tổ chức trung gian và đơn vị tổ chức sự kiện)").select_option("BG")
    page.get_by_role("button", name="Tạo tài khoản").click()
    password = page.locator("#new-password").inner_text()
    assert len(password) >= 10
    assert page.get_by_role("cell", name=email, exact=True).is_visible()
    screenshot(page, "users")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/web/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/web/")
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thị Mai").is_visible()
    assert menu.get_by_role("link", name="Người dùng", exact=True).count() == 0  # a broker
    assert page.goto("/web/users").status == 403


def test_an_issued_key_works_on_the_api_until_the_admin_revokes_it(page, site):
    log_in(page, site, "admin")
    page.goto("/web/keys")
    page.get_by_label("Vai trò").select_option("intermediary")
    page.get_by_role("textbox", name="Tổ chức", exact=True).fill("Phần mềm quản lý của Trung tâm")
    page.get_by_label("Tỉnh (tổ chức trung gian và đơn vị tổ chức sự kiện)").select_option("BG")
    page.get_by_role("button", name="Cấp khóa", exact=True).click()
    secret = page.locator("#new-secret").inner_text()
    prefix = secret.split("_")[1]
    screenshot(page, "keys")
    api = {"X-API-Key": secret}
    assert page.request.get("/needs", headers=api).status == 200
    page.goto("/web/keys")  # the secret is gone; only the prefix stays
    assert secret not in page.content() and f"kn_{prefix}_…" in page.content()
    page.get_by_role("button", name=f"Thu hồi kn_{prefix}").click()
    page.wait_for_url("**/web/keys?revoked=*")
    assert page.get_by_text("Đã thu hồi khóa; từ nay API từ chối khóa này.").is_visible()
    assert page.request.get("/needs", headers=api).status == 401


def test_the_audit_log_shows_who_changed_what(page, site):
    log_in(page, site, "admin")
    page.goto("/web/keys")
    page.get_by_label("Vai trò").select_option("admin")
    page.get_by_role("textbox", name="Tổ chức", exact=True).fill("Báo cáo tự động")
    page.get_by_role("button", name="Cấp khóa", exact=True).click()
    prefix = page.locator("#new-secret").inner_text().split("_")[1]
    page.get_by_role("navigation", name="Menu chính").get_by_role(
        "link", name="Nhật ký thay đổi").click()
    page.get_by_label("Bảng dữ liệu", exact=True).select_option("apikey")
    page.get_by_label("Người thực hiện (một phần)").fill("admin")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**/web/audit?*table=apikey*")
    first = page.locator("main table > tbody > tr").first
    assert "Người dùng" not in first.inner_text()  # the actor is the record's, not a name
    assert "(admin, Tổ chức admin)" in first.inner_text()
    first.locator("summary").click()
    assert first.get_by_role("cell", name=prefix, exact=True).is_visible()
    assert "secret_hash" not in page.content()
    screenshot(page, "audit")
