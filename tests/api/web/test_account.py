"""Logging in and out: the session cookie, CSRF on forms, failed-login throttling, the
language switch, redirects that stay on the site, and the password change."""

import re

from sqlmodel import select

from matcher.auth.models import Role, User, WebSession
from matcher.auth.users import create_user
from matcher.platform.db import session_scope
from tests.api.web.conftest import PASSWORD, csrf_of, login


def make_admin(runtime, email="an@so-khcn.vn"):
    with session_scope(runtime.engine) as session:
        create_user(session, email, "Nguyễn Văn An", "Sở KH&CN Bắc Giang", Role.admin, PASSWORD)


def test_the_site_address_leads_to_the_login_page_in_vietnamese(web):
    answer = web.get("/")
    assert answer.status_code == 303 and answer.headers["location"] == "/web/login"
    page = web.get("/web/login")
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text and "Đăng nhập KetNoi" in page.text
    assert '<label for="f-email">E-mail</label>' in page.text
    assert "Mật khẩu" in page.text


def test_a_page_without_a_session_redirects_to_log_in_and_back(web, runtime):
    answer = web.get("/web/account")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/web/login?next=/web/account"
    make_admin(runtime)
    back = web.post("/web/login", data={"email": "AN@so-khcn.vn ", "password": PASSWORD,
                                        "next": "/web/account"})
    assert back.status_code == 303 and back.headers["location"] == "/web/account"
    cookie = back.headers["set-cookie"]
    assert "ketnoi_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Nguyễn Văn An" in web.get("/web/account").text


def test_log_in_never_redirects_to_another_site(web, runtime):
    make_admin(runtime)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = web.post("/web/login", data={"email": "an@so-khcn.vn", "password": PASSWORD,
                                              "next": target})
        assert answer.headers["location"] == "/web/", target


def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(web, runtime):
    make_admin(runtime)
    wrong_password = web.post("/web/login", data={"email": "an@so-khcn.vn", "password": "x"})
    no_such_user = web.post("/web/login", data={"email": "ai@so-khcn.vn", "password": "x"})
    for answer in (wrong_password, no_such_user):
        assert answer.status_code == 401
        assert "E-mail hoặc mật khẩu không đúng." in answer.text
        assert "ketnoi_session" not in answer.headers.get("set-cookie", "")


def test_failed_logins_are_throttled_per_email_and_address(web, runtime):
    make_admin(runtime)
    for typed in ("an@so-khcn.vn", " AN@so-khcn.vn", "an@SO-KHCN.vn ", "an@so-khcn.vn",
                  "an@so-khcn.vn"):
        assert web.post("/web/login", data={"email": typed,
                                            "password": "sai"}).status_code == 401
    refused = web.post("/web/login", data={"email": "an@so-khcn.vn", "password": PASSWORD})
    assert refused.status_code == 429 and "15 phút" in refused.text
    assert "ketnoi_session" not in refused.headers.get("set-cookie", "")
    # from another address the person still logs in: failing on purpose locks nobody out
    from fastapi.testclient import TestClient

    elsewhere = TestClient(web.app, client=("203.0.113.9", 50000), follow_redirects=False)
    answer = elsewhere.post("/web/login", data={"email": "an@so-khcn.vn", "password": PASSWORD})
    assert answer.status_code == 303


def test_failed_logins_are_throttled_per_address(web, runtime):
    make_admin(runtime)
    for number in range(30):
        web.post("/web/login", data={"email": f"ai{number}@so-khcn.vn", "password": "sai"})
    refused = web.post("/web/login", data={"email": "an@so-khcn.vn", "password": PASSWORD})
    assert refused.status_code == 429


def test_another_site_cannot_log_a_visitor_in(web, runtime):
    make_admin(runtime)
    data = {"email": "an@so-khcn.vn", "password": PASSWORD}
    for origin in ("https://evil.example", "null"):  # `null`: a page hiding where it is
        forged = web.post("/web/login", data=data, headers={"Origin": origin})
        assert forged.status_code == 403 and "ketnoi_session" not in forged.headers.get(
            "set-cookie", "")
    own = web.post("/web/login", data=data, headers={"Origin": "http://testserver"})
    assert own.status_code == 303


def test_forms_need_the_session_csrf_token(web, runtime):
    token = login(web, runtime)
    assert web.post("/web/logout").status_code == 403
    assert web.post("/web/logout", data={"csrf_token": "guess"}).status_code == 403
    assert web.get("/web/account").status_code == 200  # still logged in
    out = web.post("/web/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert web.get("/web/account").status_code == 303  # the session is gone


def test_logging_out_ends_the_session_on_the_server(web, runtime):
    token = login(web, runtime)
    stolen = web.cookies.get("ketnoi_session")
    web.post("/web/logout", data={"csrf_token": token})
    web.cookies.set("ketnoi_session", stolen)
    assert web.get("/web/account").status_code == 303
    with session_scope(runtime.engine) as session:
        assert session.exec(select(WebSession)).all() == []


def test_the_language_switch_shows_english_and_back(web, runtime):
    login(web, runtime)
    assert "Đổi mật khẩu" in web.get("/web/account").text
    answer = web.get("/web/lang/en", params={"next": "/web/account"})
    assert answer.status_code == 303 and answer.headers["location"] == "/web/account"
    page = web.get("/web/account")
    assert '<html lang="en">' in page.text and "Change password" in page.text
    web.get("/web/lang/vi", params={"next": "https://evil.example/"})
    assert "Đổi mật khẩu" in web.get("/web/account").text
    assert web.get("/web/lang/fr").status_code == 404


def test_changing_the_password_ends_every_session(web, runtime):
    token = login(web, runtime)
    wrong = web.post("/web/account/password",
                     data={"csrf_token": token, "current": "sai", "new": "mat-khau-moi-12"})
    assert wrong.status_code == 422
    assert re.search(r'id="e-current"[^>]*>Mật khẩu hiện tại không đúng.', wrong.text)
    short = web.post("/web/account/password",
                     data={"csrf_token": token, "current": PASSWORD, "new": "ngan"})
    assert short.status_code == 422 and 'id="e-new"' in short.text
    done = web.post("/web/account/password",
                    data={"csrf_token": token, "current": PASSWORD, "new": "mat-khau-moi-12"})
    assert done.status_code == 303 and done.headers["location"] == "/web/login?changed=1"
    assert web.get("/web/account").status_code == 303
    with session_scope(runtime.engine) as session:
        email = session.exec(select(User.email)).one()
    again = web.post("/web/login", data={"email": email, "password": "mat-khau-moi-12"})
    assert again.status_code == 303


def test_a_disabled_user_is_logged_out_at_once(web, runtime):
    from matcher.auth.users import disable_user

    login(web, runtime)
    with session_scope(runtime.engine) as session:
        disable_user(session, session.exec(select(User)).one())
    assert web.get("/web/account").status_code == 303


def test_pages_carry_a_strict_content_security_policy(web, runtime):
    login(web, runtime)
    answer = web.get("/web/account")
    assert "script-src" not in answer.headers["content-security-policy"]  # default-src 'self'
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "<script" not in answer.text  # no script at all: forms work without JavaScript
    assert csrf_of(web)


def test_the_menu_lists_the_pages_of_the_role(web, runtime):
    login(web, runtime, "admin")
    home = web.get("/web/").text
    assert '<nav aria-label="Menu chính">' in home
    assert '<a href="/web/" aria-current="page">Trang chủ</a>' in home
