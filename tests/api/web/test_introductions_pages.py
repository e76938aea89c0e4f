"""The introductions pages: the board by status as each role may see it, an introduction's
history, its allowed next steps (and why the others are not possible), the transfer, and the
refusals: a hidden introduction reads as missing, a step the pipeline forbids says why."""

import json
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import select

from matcher.auth.policy import SYSTEM
from matcher.ledger.models import Introduction, Transfer
from matcher.ledger.seed import seed_plans
from matcher.ledger.service import introduce
from matcher.models import Dossier, Enterprise, Need
from matcher.platform.db import session_scope
from tests.api.web.conftest import login
from tests.conftest import SEED
from tests.factories import dossier_payload, enterprise_payload, need_payload


@dataclass
class Ledger:
    """Two provinces' enterprises, a need each (HP's confidential) and an introduction each."""

    bg_enterprise: int
    hp_enterprise: int
    bg_intro: int
    hp_intro: int


def make_ledger(runtime) -> Ledger:
    with session_scope(runtime.engine) as session:
        seed_plans(session, json.loads((SEED / "ledger" / "plans.json").read_text("utf-8")))
        ids = []
        for code, name, title, secrecy in (
                ("BG", "Công ty Vải Lục Ngạn", "Sấy vải canary-bg", "public"),
                ("HP", "Công ty Cơ khí Hải Phòng", "Hàn ống canary-hp", "confidential")):
            enterprise = Enterprise(**enterprise_payload(jurisdiction=code, name=name,
                                                         province=code))
            dossier = Dossier(**dossier_payload(title=f"Dossier of {code}"))
            session.add_all([enterprise, dossier])
            session.flush()
            need = Need(**need_payload(enterprise.id, title=title, confidentiality=secrecy))
            session.add(need)
            session.flush()
            intro = introduce(session, dossier_id=dossier.id, enterprise_id=enterprise.id,
                              need_id=need.id, on=date(2026, 1, 5), channel="direct",
                              actor="test", policy=SYSTEM)
            ids += [enterprise.id, intro.id]
    return Ledger(ids[0], ids[2], ids[1], ids[3])


@pytest.fixture
def ledger(runtime) -> Ledger:
    return make_ledger(runtime)


def column(text: str, status: str) -> str:
    """The board's column of `status`, as HTML."""
    found = re.search(rf'<section[^>]*data-status="{status}">(.*?)</section>', text, re.S)
    assert found, f"no column {status}"
    return found.group(1)


def test_the_board_shows_each_introduction_in_its_status_column(web, runtime, ledger):
    login(web, runtime, "intermediary")
    page = web.get("/web/introductions")
    assert page.status_code == 200
    introduced = column(page.text, "introduced")
    assert "Dossier of BG" in introduced and "Sấy vải canary-bg" in introduced
    assert "Công ty Vải Lục Ngạn" in introduced
    assert f'href="/web/introductions/{ledger.bg_intro}"' in introduced
    assert "05/01/2026" in introduced
    assert "Dossier of BG" not in column(page.text, "negotiating")
    # the HP need is confidential: a BG broker does not see its introduction
    assert "canary-hp" not in page.text and "Dossier of HP" not in page.text


def test_an_organiser_never_sees_an_enterprise_or_a_need_on_the_board(web, runtime, ledger):
    login(web, runtime, "organiser")
    board = web.get("/web/introductions")
    assert board.status_code == 200
    assert "Dossier of BG" in board.text  # the introduction is there, anonymised
    one = web.get(f"/web/introductions/{ledger.bg_intro}")
    assert one.status_code == 200
    for text in (board.text, one.text):
        assert "Công ty Vải Lục Ngạn" not in text and "canary-bg" not in text
        assert "Hải Phòng" not in text
    assert 'action="/web/introductions' not in one.text  # no step form


def test_an_enterprise_sees_only_its_own_introductions_and_cannot_step(web, runtime, ledger):
    token = login(web, runtime, "enterprise", enterprise_id=ledger.bg_enterprise)
    board = web.get("/web/introductions")
    assert "Dossier of BG" in board.text and "Dossier of HP" not in board.text
    assert web.get(f"/web/introductions/{ledger.bg_intro}").status_code == 200
    assert web.get(f"/web/introductions/{ledger.hp_intro}").status_code == 404
    answer = web.post(f"/web/introductions/{ledger.bg_intro}/step",
                      data={"csrf_token": token, "status": "interested"})
    assert answer.status_code == 403
    assert "Dossier of BG" in column(web.get("/web/introductions").text, "introduced")


def test_a_hidden_introduction_answers_like_a_missing_one(web, runtime, ledger):
    token = login(web, runtime, "intermediary")
    hidden = web.get(f"/web/introductions/{ledger.hp_intro}")
    missing = web.get("/web/introductions/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text.replace("/999999", f"/{ledger.hp_intro}")
    step = web.post(f"/web/introductions/{ledger.hp_intro}/step",
                    data={"csrf_token": token, "status": "interested"})
    assert step.status_code == 404


def test_a_broker_of_another_province_may_read_but_not_step(web, runtime, ledger):
    token = login(web, runtime, "intermediary", jurisdiction="HP")
    page = web.get(f"/web/introductions/{ledger.bg_intro}")
    assert page.status_code == 200 and 'id="step-form"' not in page.text
    answer = web.post(f"/web/introductions/{ledger.bg_intro}/step",
                      data={"csrf_token": token, "status": "interested"})
    assert answer.status_code == 403


def test_the_page_offers_the_allowed_steps_only_and_says_why_not_the_others(web, runtime,
                                                                           ledger):
    login(web, runtime, "intermediary")
    page = web.get(f"/web/introductions/{ledger.bg_intro}").text
    offered = re.search(r'<select id="f-status".*?</select>', page, re.S).group(0)
    assert re.findall(r'value="(\w+)"', offered) == ["interested", "stalled", "declined"]
    blocked = page[page.index("Chưa thể thực hiện"):]
    assert "Đang đàm phán" in blocked and "Từng bước một" in blocked
    assert "Không thể quay lại" not in blocked  # the wording is the catalogue's
    assert "Giới thiệu không thể quay lại trạng thái “đề xuất”." in blocked
    assert 'id="transfer-form"' not in page  # a contract follows negotiation


def test_a_step_the_pipeline_forbids_shows_the_reason_and_writes_nothing(web, runtime, ledger):
    token = login(web, runtime, "intermediary")
    url = f"/web/introductions/{ledger.bg_intro}/step"
    skipped = web.post(url, data={"csrf_token": token, "status": "negotiating",
                                  "happened_on": "2026-01-10"})
    assert skipped.status_code == 422
    assert re.search(r'id="e-status" role="alert">Từng bước một', skipped.text)
    transfer = web.post(url, data={"csrf_token": token, "status": "transferred"})
    assert transfer.status_code == 422 and "biểu mẫu chuyển giao" in transfer.text
    decline = web.post(url, data={"csrf_token": token, "status": "declined"})
    assert decline.status_code == 422
    assert 'id="e-decline_reason" role="alert">Từ chối cần có lý do.' in decline.text
    early = web.post(url, data={"csrf_token": token, "status": "interested",
                                "happened_on": "2025-12-31"})
    assert early.status_code == 422 and 'id="e-happened_on"' in early.text
    bad_date = web.post(url, data={"csrf_token": token, "status": "interested",
                                   "happened_on": "hôm qua"})
    assert bad_date.status_code == 422 and 'id="e-happened_on"' in bad_date.text
    assert "Đã giới thiệu" in web.get(f"/web/introductions/{ledger.bg_intro}").text
    assert "Dossier of BG" in column(web.get("/web/introductions").text, "introduced")


def test_steps_to_a_signed_transfer(web, runtime, ledger):
    token = login(web, runtime, "intermediary")
    url = f"/web/introductions/{ledger.bg_intro}/step"
    for status in ("interested", "negotiating"):
        answer = web.post(url, data={"csrf_token": token, "status": status,
                                     "happened_on": "2026-02-01", "note": f"bước {status}"})
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == f"/web/introductions/{ledger.bg_intro}?done=step"
    page = web.get(f"/web/introductions/{ledger.bg_intro}").text
    assert "bước negotiating" in page and 'id="transfer-form"' in page
    early = web.post(url, data={"csrf_token": token, "action": "transfer", "mode": "licence",
                                "contract_date": "2026-03-01",
                                "registration_date": "2026-02-01"})
    assert early.status_code == 422 and 'id="e-registration_date"' in early.text
    signed = web.post(url, data={"csrf_token": token, "action": "transfer", "mode": "licence",
                                 "contract_date": "2026-03-01", "value": "1.250.000.000",
                                 "currency": "VND", "transfer_note": "ký tại Sở"})
    assert signed.status_code == 303, signed.text
    page = web.get(signed.headers["location"]).text
    assert "Đã ghi nhận hợp đồng chuyển giao." in page
    assert '<strong id="status">Đã chuyển giao</strong>' in page
    assert 'id="step-form"' not in page and "Giới thiệu đã kết thúc" in page
    with session_scope(runtime.engine) as session:
        transfer = session.exec(select(Transfer).where(
            Transfer.introduction_id == ledger.bg_intro)).one()
        assert transfer.value == 1_250_000_000 and transfer.contract_date == date(2026, 3, 1)
        assert session.get(Introduction, ledger.bg_intro) is not None
    assert "Dossier of BG" in column(web.get("/web/introductions").text, "transferred")
