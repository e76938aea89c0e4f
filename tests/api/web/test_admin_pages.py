"""The Department's pages through a TestClient: users (a password shown once, errors beside
their fields, disabling), API keys (a secret shown once, revoking stops the key on the API),
the audit log (filters, dates in Vietnam's days, paging, no secret ever logged), plans and
sectors; and none of them for any role but admins."""

import json
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from matcher.auth.keys import create_key
from matcher.auth.models import ApiKey, AuditEntry, Role, User, WebSession
from matcher.auth.users import create_user
from matcher.platform.db import session_scope
from tests.api.web.conftest import PASSWORD, login

ADMIN_PAGES = ["/web/users", "/web/keys", "/web/audit", "/web/plans", "/web/sectors"]


def new_user_form(token: str, **changes) -> dict[str, str]:
    form = {"csrf_token": token, "email": "Lan.Tran@so-khcn.vn", "name": "Trần Thị Lan",
            "org": "Trung tâm Ứng dụng KH&CN Bắc Giang", "role": "intermediary",
            "jurisdiction": "BG", "enterprise_id": ""}
    form.update(changes)
    return form


def shown_once(html: str, element: str) -> str:
    found = re.search(rf'<code id="{element}">([^<]+)</code>', html)
    assert found, f"no {element} on the page"
    return found.group(1)


def audit_rows(runtime) -> list[AuditEntry]:
    with runtime.session() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)).all())  # type: ignore[arg-type]


@pytest.mark.parametrize("role", ["intermediary", "organiser", "enterprise"])
def test_only_admins_open_the_department_pages(web, runtime, role):
    token = login(web, runtime, role)
    for path in ADMIN_PAGES:
        assert web.get(path).status_code == 403, path
    refused = web.post("/web/users", data=new_user_form(token))
    assert refused.status_code == 403
    with session_scope(runtime.engine) as session:
        assert session.exec(select(User).where(User.email == "lan.tran@so-khcn.vn")).first() \
            is None
    home = web.get("/web/").text
    assert not [path for path in ADMIN_PAGES if f'href="{path}"' in home]


def test_the_admin_pages_open_in_vietnamese(web, runtime):
    login(web, runtime)
    for path in ADMIN_PAGES:
        answer = web.get(path)
        assert answer.status_code == 200, path
        assert '<html lang="vi">' in answer.text
    home = web.get("/web/").text
    assert [path for path in ADMIN_PAGES if f'href="{path}"' in home] == ADMIN_PAGES
    assert "Tạo tài khoản" in web.get("/web/users").text
    assert "Cấp khóa mới" in web.get("/web/keys").text


def test_a_new_user_gets_a_password_shown_once_that_logs_them_in(web, runtime):
    token = login(web, runtime)
    made = web.post("/web/users", data=new_user_form(token))
    assert made.status_code == 200, made.text
    assert made.headers["cache-control"] == "no-store"
    password = shown_once(made.text, "new-password")
    assert "lan.tran@so-khcn.vn" in made.text and len(password) >= 10
    with session_scope(runtime.engine) as session:
        user = session.exec(select(User).where(User.email == "lan.tran@so-khcn.vn")).one()
        assert (user.role, user.jurisdiction, user.name) == (Role.intermediary, "BG",
                                                             "Trần Thị Lan")
        assert password not in user.password_hash and user.password_hash.startswith("$argon2")
    listed = web.get("/web/users").text
    assert "lan.tran@so-khcn.vn" in listed and password not in listed
    with TestClient(web.app, follow_redirects=False) as other:
        answer = other.post("/web/login", data={"email": "lan.tran@so-khcn.vn",
                                                "password": password})
        assert answer.status_code == 303
        assert "Trần Thị Lan" in other.get("/web/account").text


def test_creating_a_user_is_audited_without_the_password_or_its_hash(web, runtime):
    token = login(web, runtime)
    password = shown_once(web.post("/web/users", data=new_user_form(token)).text,
                          "new-password")
    with runtime.session() as session:
        admin = session.exec(select(User).where(User.role == Role.admin)).one()
        made = session.exec(select(User).where(User.email == "lan.tran@so-khcn.vn")).one()
        hashes = [admin.password_hash, made.password_hash]
    entries = [e for e in audit_rows(runtime) if e.table_name == "webuser"
               and e.record_id == str(made.id)]
    assert [e.action for e in entries] == ["create"]
    assert entries[0].actor == f"user {admin.id} (admin, Tổ chức)"
    assert entries[0].request == "POST /web/users"
    assert entries[0].after["email"] == "lan.tran@so-khcn.vn"
    assert "password_hash" not in entries[0].after
    logged = json.dumps([[e.before, e.after] for e in audit_rows(runtime)], ensure_ascii=False)
    for secret in [password, PASSWORD, *hashes]:
        assert secret not in logged
    assert "$argon2" not in logged


def test_password_changes_and_sessions_leave_no_secret_in_the_audit_log(web, runtime):
    token = login(web, runtime)
    changed = web.post("/web/account/password", data={
        "csrf_token": token, "current": PASSWORD, "new": "mat-khau-moi-dai-hon"})
    assert changed.status_code == 303
    with runtime.session() as session:
        admin = session.exec(select(User).where(User.role == Role.admin)).one()
    update = [e for e in audit_rows(runtime) if e.table_name == "webuser"
              and e.action == "update"]
    assert [(e.before, e.after) for e in update] == [
        ({"password_hash": "(not logged)"}, {"password_hash": "(not logged)"})]
    assert not [e for e in audit_rows(runtime) if e.table_name == "websession"]
    logged = json.dumps([[e.before, e.after] for e in audit_rows(runtime)])
    assert admin.password_hash not in logged and "$argon2" not in logged
    assert token not in logged  # the CSRF token of the session


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"email": "khong-phai-email"}, "email", "Nhập địa chỉ e-mail"),
    ({"name": " "}, "name", "Nhập họ tên người dùng."),
    ({"jurisdiction": ""}, "jurisdiction", "làm việc cho một tỉnh: hãy chọn tỉnh."),
    ({"role": "enterprise", "jurisdiction": ""}, "enterprise_id", "hãy chọn doanh nghiệp."),
    ({"role": "admin", "jurisdiction": "", "enterprise_id": "1"}, "enterprise_id",
     "Chỉ tài khoản doanh nghiệp"),
    ({"role": "boss"}, "role", "Hãy chọn một trong các lựa chọn."),
])
def test_form_errors_are_in_vietnamese_beside_their_field(web, runtime, changes, field,
                                                          message):
    token = login(web, runtime)
    answer = web.post("/web/users", data=new_user_form(token, **changes))
    assert answer.status_code == 422
    error = re.search(rf'<p class="error" id="e-{field}" role="alert">([^<]+)</p>', answer.text)
    assert error and message in error.group(1), answer.text
    assert f'id="f-{field}"' in answer.text and 'aria-describedby="e-' + field in answer.text
    assert "Trung tâm Ứng dụng KH&amp;CN Bắc Giang" in answer.text  # what was typed is kept
    assert 'id="new-password"' not in answer.text
    with session_scope(runtime.engine) as session:
        assert session.exec(select(User).where(User.name == "Trần Thị Lan")).first() is None


def test_an_e_mail_already_taken_is_said_beside_the_e_mail(web, runtime):
    token = login(web, runtime)
    assert web.post("/web/users", data=new_user_form(token)).status_code == 200
    again = web.post("/web/users", data=new_user_form(token, email="LAN.TRAN@so-khcn.vn"))
    assert again.status_code == 422
    assert re.search(r'id="e-email" role="alert">Đã có tài khoản với e-mail này.', again.text)


def test_a_disabled_user_is_logged_out_and_cannot_log_in(web, runtime):
    token = login(web, runtime)
    with session_scope(runtime.engine) as session:
        user = create_user(session, "binh@ketnoi.vn", "Lê Bình", "Sở KH&CN", Role.admin,
                           PASSWORD)
        user_id = user.id
    with TestClient(web.app, follow_redirects=False) as other:
        assert other.post("/web/login", data={"email": "binh@ketnoi.vn",
                                              "password": PASSWORD}).status_code == 303
        assert other.get("/web/users").status_code == 200
        answer = web.post(f"/web/users/{user_id}/disable", data={"csrf_token": token})
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/web/users?disabled={user_id}"
        assert other.get("/web/users").status_code == 303  # the session ended
        refused = other.post("/web/login", data={"email": "binh@ketnoi.vn",
                                                 "password": PASSWORD})
        assert refused.status_code == 401
    page = web.get(answer.headers["location"]).text
    assert "Đã vô hiệu hóa tài khoản" in page and "Bị vô hiệu hóa từ" in page
    with session_scope(runtime.engine) as session:
        assert session.exec(select(WebSession).where(WebSession.user_id == user_id)).all() == []
    entry = [e for e in audit_rows(runtime) if e.table_name == "webuser"
             and e.record_id == str(user_id) and e.action == "update"]
    assert len(entry) == 1 and entry[0].before == {"disabled_at": None}


def test_an_admin_cannot_disable_themselves(web, runtime):
    token = login(web, runtime)
    with runtime.session() as session:
        me = session.exec(select(User).where(User.role == Role.admin)).one()
    answer = web.post(f"/web/users/{me.id}/disable", data={"csrf_token": token})
    assert answer.status_code == 409
    assert "Bạn không thể vô hiệu hóa tài khoản của chính mình." in answer.text
    assert f'action="/web/users/{me.id}/disable"' not in web.get("/web/users").text
    assert web.get("/web/users").status_code == 200  # still logged in, still enabled
    assert web.post("/web/users/999999/disable",
                    data={"csrf_token": token}).status_code == 404


def test_a_key_secret_is_shown_once_and_a_revoked_key_stops_working(web, runtime):
    token = login(web, runtime)
    made = web.post("/web/keys", data={"csrf_token": token, "role": "admin",
                                       "org": "Phần mềm báo cáo", "jurisdiction": "",
                                       "enterprise_id": ""})
    assert made.status_code == 200, made.text
    assert made.headers["cache-control"] == "no-store"
    secret = shown_once(made.text, "new-secret")
    prefix = secret.split("_")[1]
    with session_scope(runtime.engine) as session:
        key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).one()
        assert key.org == "Phần mềm báo cáo" and secret.split("_", 2)[2] not in key.secret_hash
        key_id = key.id
    listed = web.get("/web/keys").text
    assert f"kn_{prefix}_…" in listed and secret not in listed
    api = {"X-API-Key": secret}
    assert web.get("/audit", headers=api).status_code == 200
    revoked = web.post(f"/web/keys/{key_id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert "Đã thu hồi khóa" in web.get(revoked.headers["location"]).text
    assert web.get("/audit", headers=api).status_code == 401
    logged = json.dumps([[e.before, e.after] for e in audit_rows(runtime)])
    assert secret.split("_", 2)[2] not in logged and "secret_hash" not in logged
    issued = [e for e in audit_rows(runtime) if e.table_name == "apikey"]
    assert [e.action for e in issued] == ["create", "update"]
    assert all(e.actor.startswith("user ") for e in issued)
    assert web.post("/web/keys/999999/revoke", data={"csrf_token": token}).status_code == 404


def test_a_key_form_error_is_beside_its_field(web, runtime):
    token = login(web, runtime)
    answer = web.post("/web/keys", data={"csrf_token": token, "role": "organiser",
                                         "org": "Techmart", "jurisdiction": "ZZ"})
    assert answer.status_code == 422
    assert re.search(r'id="e-jurisdiction" role="alert">Không có tỉnh này.', answer.text)
    with session_scope(runtime.engine) as session:
        assert session.exec(select(ApiKey)).all() == []


def rows_of(html: str) -> list[str]:
    """The record column ("table id") of each audit row on the page."""
    return re.findall(r"<td>(\w+ \d+)</td>\n    <td>\n      <details>", html)


def test_dates_at_the_ends_of_the_calendar_are_errors_beside_their_field(web, runtime):
    login(web, runtime)
    for params in ({"until": "9999-12-31"}, {"until": "31/12/9999"}, {"since": "0001-01-01"},
                   {"since": "hôm qua"}):
        answer = web.get("/web/audit", params=params)
        assert answer.status_code == 422, params
        assert f'id="e-{next(iter(params))}"' in answer.text, params


def test_the_audit_page_filters_by_table_record_actor_and_vietnam_days(web, runtime):
    token = login(web, runtime)
    web.post("/web/users", data=new_user_form(token))
    with session_scope(runtime.engine) as session:
        session.info["actor"] = "cli (test)"
        key_id = create_key(session, Role.admin, "Kiểm thử")[0].id
        # 20:00 UTC on 10 March is 03:00 on 11 March in Vietnam
        session.add(AuditEntry(at=datetime(2024, 3, 10, 20, 0, tzinfo=UTC), actor="old",
                               action="update", table_name="need", record_id="42",
                               before={"title": "cũ"}, after={"title": "mới"}))
    every = web.get("/web/audit").text
    assert "webuser" in every and "apikey" in every
    only_keys = web.get("/web/audit", params={"table": "apikey"}).text
    assert rows_of(only_keys) == [f"apikey {key_id}"]
    by_actor = web.get("/web/audit", params={"actor": "cli (test)"}).text
    assert rows_of(by_actor) == [f"apikey {key_id}"]
    by_record = web.get("/web/audit", params={"table": "need", "record_id": "42"}).text
    assert rows_of(by_record) == ["need 42"] and "03:00 11/03/2024" in by_record
    assert "mới" in by_record and "tạo mới" not in by_record.split("<tbody>")[1]
    day = {"since": "2024-03-11", "until": "11/03/2024"}
    assert rows_of(web.get("/web/audit", params=day).text) == ["need 42"]
    before = web.get("/web/audit", params={"until": "2024-03-10"}).text
    assert rows_of(before) == [] and "Không có mục nào khớp với bộ lọc." in before
    recent = rows_of(web.get("/web/audit", params={"since": "2024-03-12"}).text)
    assert "need 42" not in recent and f"apikey {key_id}" in recent


def test_a_bad_date_is_said_beside_its_field(web, runtime):
    login(web, runtime)
    answer = web.get("/web/audit", params={"since": "31/02/2025"})
    assert answer.status_code == 422
    assert re.search(r'id="e-since" role="alert">Hãy nhập ngày \(dd/mm/yyyy\).', answer.text)


def test_the_audit_page_pages_newest_first(web, runtime):
    login(web, runtime)
    with session_scope(runtime.engine) as session:
        for number in range(25):
            session.add(AuditEntry(actor="test", action="create", table_name="trial",
                                   record_id=str(number), after={"n": number}))
    first = web.get("/web/audit", params={"table": "trial"}).text
    assert rows_of(first) == [f"trial {n}" for n in range(24, 4, -1)]
    assert "Số mục tìm thấy: 25" in first
    assert 'href="?table=trial&amp;page=2"' in first
    second = web.get("/web/audit", params={"table": "trial", "page": 2}).text
    assert rows_of(second) == [f"trial {n}" for n in range(4, -1, -1)]
    assert 'rel="next"' not in second


def test_the_api_audit_filters_by_time_and_order(web, runtime):
    with session_scope(runtime.engine) as session:
        session.info["actor"] = "cli (test)"
        _, secret = create_key(session, Role.admin, "Kiểm thử")
        for day in (1, 2, 3):
            session.add(AuditEntry(at=datetime(2024, 5, day, 12, tzinfo=UTC), actor="t",
                                   action="create", table_name="span", record_id=str(day)))
    api = {"X-API-Key": secret}
    found = web.get("/audit", headers=api, params={
        "table": "span", "since": "2024-05-02T00:00:00", "before": "2024-05-03T12:00:00Z"})
    assert [e["record_id"] for e in found.json()["data"]] == ["2"]
    newest = web.get("/audit", headers=api, params={"table": "span", "newest_first": True})
    assert [e["record_id"] for e in newest.json()["data"]] == ["3", "2", "1"]


def make_plan(web, runtime) -> None:
    with session_scope(runtime.engine) as session:
        session.info["actor"] = "cli (test)"
        _, secret = create_key(session, Role.admin, "Kiểm thử")
    made = web.post("/ledger/plans", headers={"X-API-Key": secret}, json={
        "ref": "BG-1851-2023", "jurisdiction": "BG", "adopted_on": "2023-03-01",
        "title": "Kế hoạch triển khai Đề án 1851 tỉnh Bắc Giang", "sector_codes": ["BG-c"],
        "periods": [{"label": "2023–2025", "start": "2023-01-01", "end": "2025-12-31",
                     "targets": [{"indicator": "foreign_dossiers_introduced", "value": 1200,
                                  "unit": "hồ sơ", "note": "≥ 1200"},
                                 {"indicator": "fdi_transfer_growth", "value": 2.5,
                                  "unit": "%/năm"}]}]})
    assert made.status_code == 201, made.text


def test_the_plans_page_shows_periods_and_targets(web, runtime):
    login(web, runtime)
    assert "Chưa có kế hoạch nào." in web.get("/web/plans").text
    make_plan(web, runtime)
    page = web.get("/web/plans").text
    assert "Kế hoạch triển khai Đề án 1851 tỉnh Bắc Giang" in page
    assert "01/03/2023" in page and "01/01/2023 – 31/12/2025" in page
    assert "Hồ sơ công nghệ nước ngoài được giới thiệu" in page and "1.200 hồ sơ" in page
    assert "2,5 %/năm" in page and "15/12" in page
    other = web.get("/web/plans", params={"jurisdiction": "HP"}).text
    assert "Chưa có kế hoạch nào." in other
    assert web.get("/web/plans", params={"jurisdiction": "ZZ"}).status_code == 422


def test_the_sectors_page_lists_each_province_priority_sectors(web, runtime):
    login(web, runtime)
    every = web.get("/web/sectors").text
    assert 'id="p-BG"' in every and 'id="p-HP"' in every
    only = web.get("/web/sectors", params={"jurisdiction": "BG"}).text
    assert 'id="p-BG"' in only and 'id="p-HP"' not in only
    assert "<td>BG-c</td>" in only
    english = web.get("/web/lang/en", params={"next": "/web/sectors"})
    assert english.status_code == 303
    assert "Priority sectors" in web.get("/web/sectors").text
