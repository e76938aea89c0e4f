"""Validity and completeness on the web pages: when a dossier or need is listed until, the
expired mark, the renew button for those who may renew (and 404 / 403 as in the API), and a
dossier's completeness with what is missing, for brokers and admins only."""

from datetime import timedelta

import pytest

from matcher.models import Dossier, Need
from matcher.models.validity import local_today, months_after
from tests.api.web.conftest import login
from tests.api.web.needs_world import build


@pytest.fixture
def world(runtime):
    return build(runtime)


def _expire(runtime, model: type, record_id: int) -> None:
    with runtime.session() as session:
        session.get(model, record_id).valid_until = local_today() - timedelta(days=1)
        runtime.commit(session, "validity")


def _valid_until(runtime, model: type, record_id: int):
    with runtime.session() as session:
        return session.get(model, record_id).valid_until


def test_a_broker_sees_what_a_dossier_misses_and_renews_it_when_expired(web, runtime, world):
    _expire(runtime, Dossier, world.dryer)
    csrf = login(web, runtime, "intermediary")
    page = web.get(f"/web/dossiers/{world.dryer}").text
    assert "Hiển thị đến hết ngày" in page
    assert "Đã hết hạn: không còn được tìm kiếm hay gợi ý" in page
    assert "Mức độ đầy đủ của hồ sơ" in page and 'value="60"' in page  # the factory's dossier
    assert "<li>Ưu điểm và tính mới</li>" in page and "<li>Mô tả công nghệ</li>" in page
    form = f'action="/web/dossiers/{world.dryer}/renew"'
    assert form in page

    answer = web.post(f"/web/dossiers/{world.dryer}/renew", data={"csrf_token": csrf},
                      follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (
        303, f"/web/dossiers/{world.dryer}?renewed=1")
    assert _valid_until(runtime, Dossier, world.dryer) == months_after(local_today(), 12)
    after = web.get(answer.headers["location"]).text
    assert "Đã gia hạn: hiển thị đến hết ngày" in after and "Đã hết hạn" not in after


def test_an_enterprise_sees_neither_completeness_nor_a_dossier_renew_button(web, runtime, world):
    csrf = login(web, runtime, "enterprise", enterprise_id=world.bg)
    page = web.get(f"/web/dossiers/{world.dryer}").text
    assert "Hiển thị đến hết ngày" in page
    assert "Mức độ đầy đủ" not in page and "/renew" not in page
    refused = web.post(f"/web/dossiers/{world.dryer}/renew", data={"csrf_token": csrf})
    assert refused.status_code == 403


def test_an_enterprise_renews_its_expired_need_and_not_anothers(web, runtime, world):
    _expire(runtime, Need, world.bg_public)
    csrf = login(web, runtime, "enterprise", enterprise_id=world.bg)
    page = web.get(f"/web/needs/{world.bg_public}").text
    assert "Đã hết hạn: không còn được tìm kiếm hay gợi ý" in page
    assert "Hồ sơ đã hết hạn hiển thị: hãy gia hạn để nhận gợi ý trở lại." in page
    answer = web.post(f"/web/needs/{world.bg_public}/renew", data={"csrf_token": csrf},
                      follow_redirects=False)
    assert answer.status_code == 303
    assert _valid_until(runtime, Need, world.bg_public) == months_after(local_today(), 12)
    # Hải Phòng's need is hidden from this enterprise: as missing
    assert web.post(f"/web/needs/{world.hp_public}/renew",
                    data={"csrf_token": csrf}).status_code == 404
    assert web.post("/web/needs/999999/renew", data={"csrf_token": csrf}).status_code == 404


def test_a_broker_may_not_renew_a_need_of_another_province(web, runtime, world):
    csrf = login(web, runtime, "intermediary")  # Bắc Giang
    page = web.get(f"/web/needs/{world.hp_public}").text
    assert f'action="/web/needs/{world.hp_public}/renew"' not in page
    before = _valid_until(runtime, Need, world.hp_public)
    assert web.post(f"/web/needs/{world.hp_public}/renew",
                    data={"csrf_token": csrf}).status_code == 403
    assert _valid_until(runtime, Need, world.hp_public) == before


def test_renewing_without_the_csrf_token_is_refused(web, runtime, world):
    login(web, runtime, "admin")
    assert web.post(f"/web/dossiers/{world.dryer}/renew").status_code == 403
