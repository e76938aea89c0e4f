"""The "Thông báo" page: each user's notifications with the unread count in the menu, marking
them read (another's answers 404), and brokers saving the current search from the search
page."""

import re

from sqlmodel import select

from matcher.alerts.job import run_alerts
from matcher.alerts.models import Notification, SavedSearch
from tests.api.web.conftest import login
from tests.matcher.alerts.conftest import make_world, settings  # noqa: F401 (fixture)


def _badge(html: str) -> str | None:
    found = re.search(r'Thông báo <span class="badge"[^>]*>(\d+)</span>', html)
    return found.group(1) if found else None


def test_an_enterprise_user_reads_its_alert_and_marks_it_read(web, client, runtime):
    world = make_world(client, runtime)
    csrf = login(web, runtime, "enterprise", enterprise_id=world.bg_enterprise)
    dossier = world.add_dossier()
    run_alerts(runtime)
    page = web.get("/web/notifications")
    assert page.status_code == 200
    assert _badge(page.text) == "1"
    assert "1 hồ sơ công nghệ mới phù hợp với nhu cầu «Sấy vải thiều»" in page.text
    assert f'href="/web/dossiers/{dossier}"' in page.text
    assert f'href="/web/needs/{world.bg_need}"' in page.text
    with runtime.session() as session:
        notes = {n.recipient_enterprise_id: n.id for n in session.exec(select(Notification))
                 if n.recipient_enterprise_id}
    other = web.post(f"/web/notifications/{notes[world.hp_enterprise]}/read",
                     data={"csrf_token": csrf})
    assert other.status_code == 404
    mine = web.post(f"/web/notifications/{notes[world.bg_enterprise]}/read",
                    data={"csrf_token": csrf})
    assert mine.status_code == 303
    page = web.get("/web/notifications")
    assert _badge(page.text) is None and "Đánh dấu đã đọc" not in page.text


def test_a_broker_saves_the_current_search_and_deletes_it(web, client, runtime):
    make_world(client, runtime)
    csrf = login(web, runtime, "intermediary")
    search = web.get("/web/search", params={"q": "máy sấy vải", "jurisdiction": "BG",
                                            "sector": "BG-d"})
    assert "Lưu tìm kiếm này" in search.text
    assert '<input type="hidden" name="sector" value="BG-d">' in search.text
    saved = web.post("/web/saved-searches", data={
        "csrf_token": csrf, "name": "Máy sấy", "q": "máy sấy vải", "jurisdiction": "BG",
        "sector": ["BG-d"], "origin_country": "", "transfer_mode": "", "min_trl": ""})
    assert saved.status_code == 303
    with runtime.session() as session:
        kept = session.exec(select(SavedSearch)).one()
    assert (kept.query, kept.jurisdiction, kept.sector_codes) == ("máy sấy vải", "BG", ["BG-d"])
    assert saved.headers["location"] == f"/web/notifications?saved={kept.id}"
    page = web.get(saved.headers["location"])
    assert "Đã lưu tìm kiếm" in page.text and ">Máy sấy</a>" in page.text
    colleague = web.__class__(web.app, follow_redirects=False)
    other_csrf = login(colleague, runtime, "intermediary")
    assert colleague.post(f"/web/saved-searches/{kept.id}/delete",
                          data={"csrf_token": other_csrf}).status_code == 404
    gone = web.post(f"/web/saved-searches/{kept.id}/delete", data={"csrf_token": csrf})
    assert gone.status_code == 303
    with runtime.session() as session:
        assert session.exec(select(SavedSearch)).all() == []


def test_a_search_with_a_bad_filter_is_not_saved(web, client, runtime):
    make_world(client, runtime)
    csrf = login(web, runtime, "intermediary")
    answer = web.post("/web/saved-searches", data={
        "csrf_token": csrf, "name": "Máy sấy", "q": "máy sấy", "jurisdiction": "XX"})
    assert answer.status_code == 422
    assert "Chưa lưu được tìm kiếm" in answer.text
    with runtime.session() as session:
        assert session.exec(select(SavedSearch)).all() == []


def test_enterprises_are_not_offered_to_save_searches(web, client, runtime):
    world = make_world(client, runtime)
    csrf = login(web, runtime, "enterprise", enterprise_id=world.bg_enterprise)
    assert "Lưu tìm kiếm này" not in web.get("/web/search", params={"q": "máy sấy"}).text
    refused = web.post("/web/saved-searches", data={"csrf_token": csrf, "q": "máy sấy"})
    assert refused.status_code == 403
