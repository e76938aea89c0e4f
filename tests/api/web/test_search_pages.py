"""The search page and the dossier page through TestClient: results with their scores,
explanations and the supplier country, filters checked as the API checks them (an invalid value
is an error next to its field, not a 500), pages of ten, and what each role is shown of a
dossier (supplier contacts for brokers only; the needs it could answer for the roles the API
lets read them, anonymised for organisers)."""

import re

import pytest

from matcher.models import DossierCreate
from matcher.services import dossiers
from tests.api.web.conftest import login
from tests.api.web.needs_world import CONTACT, VI_TITLE, build
from tests.factories import dossier_payload


@pytest.fixture
def world(runtime):
    return build(runtime)


def results(html: str) -> list[str]:
    """The hrefs of the result titles, in order."""
    return re.findall(r'<h3><a href="(/web/dossiers/\d+)">', html)


def test_an_empty_query_shows_only_the_form(web, runtime, world):
    login(web, runtime, "enterprise")
    page = web.get("/web/search")
    assert page.status_code == 200
    assert '<label for="f-q">' in page.text and 'id="results-title"' not in page.text


def test_results_have_score_breakdown_explanation_and_supplier_country(web, runtime, world):
    login(web, runtime, "intermediary")
    page = web.get("/web/search", params={"q": "heat pump dryer for lychee"})
    assert page.status_code == 200, page.text
    assert results(page.text)[0] == f"/web/dossiers/{world.dryer}"
    first = page.text.split('class="card result"')[1]
    assert "Hàn Quốc" in first  # the supplier country, in Vietnamese
    assert "Điểm" in first and "Ngữ nghĩa" in first and "Tính khả thi" in first
    assert "close in meaning (cosine" in first  # the engine's explanation


def test_a_query_typed_without_diacritics_finds_the_vietnamese_dossier(web, runtime, world):
    login(web, runtime, "admin")
    page = web.get("/web/search", params={"q": "may say bom nhiet cho vai thieu va nhan"})
    assert page.status_code == 200
    assert f"/web/dossiers/{world.vi_dryer}" in results(page.text)[:2]
    assert "Đọc là" in page.text  # the text with its diacritics restored
    assert re.search(r"Đọc là: <q lang=\"vi\">[^<]*(sấy|nhiệt)", page.text), page.text


def test_the_jurisdiction_is_the_callers_by_default_and_can_be_cleared(web, runtime, world):
    with runtime.session() as session:  # marine: a priority of Hải Phòng, not of Bắc Giang
        marine = dossiers.create_dossier(session, DossierCreate.model_validate(dossier_payload(
            title="Heat-pump dryer for squid and fish", sector_codes=["VN-08"])))
        runtime.commit(session, "marine")
        marine_url = f"/web/dossiers/{marine.id}"
    login(web, runtime, "intermediary")  # Bắc Giang
    default = web.get("/web/search", params={"q": "heat pump dryer"})
    assert '<option value="BG" selected>' in default.text
    assert 'value="BG-d"' in default.text and 'value="HP-1.8"' not in default.text  # its sectors
    assert f"/web/dossiers/{world.dryer}" in results(default.text)
    assert marine_url not in results(default.text)
    every = web.get("/web/search", params={"q": "heat pump dryer", "jurisdiction": ""})
    assert marine_url in results(every.text)
    assert '<option value="BG" selected>' not in every.text
    web.cookies.clear()
    login(web, runtime, "intermediary", jurisdiction="HP")
    hai_phong = web.get("/web/search", params={"q": "heat pump dryer"})
    assert marine_url in results(hai_phong.text)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("origin_country", "XX", "Chọn một quốc gia trong danh sách."),
    ("min_trl", "12", "Không được vượt quá 9."),
    ("min_trl", "abc", "Hãy nhập một số nguyên."),
    ("transfer_mode", "stolen", "Hãy chọn một trong các lựa chọn."),
    ("jurisdiction", "ZZ", "Tỉnh không tồn tại."),
    ("sector", "XX-9", "Mã lĩnh vực không xác định."),
    ("q", "x", "Quá ngắn: cần ít nhất 2 ký tự."),
])
def test_an_invalid_filter_is_an_error_next_to_its_field(web, runtime, world, name, value,
                                                         message):
    login(web, runtime, "admin")
    params = {"q": "heat pump", name: value}
    page = web.get("/web/search", params=params)
    assert page.status_code == 422
    assert f'<p class="error" id="e-{name}" role="alert">{message}</p>' in page.text
    assert 'id="results-title"' not in page.text


def test_results_come_ten_a_page_and_the_last_page_says_no_more(web, runtime, world):
    with runtime.session() as session:
        for n in range(9):
            dossiers.create_dossier(session, DossierCreate.model_validate(dossier_payload(
                title=f"Inspection drone model {n}", summary="Drone inspection of blades.",
                sector_codes=["VN-01"], keywords=["drone"])))
        runtime.commit(session, "drones")
    login(web, runtime, "admin")
    first = web.get("/web/search", params={"q": "drone inspection", "jurisdiction": ""})
    assert len(results(first.text)) == 10
    assert 'rel="next"' in first.text and "Không còn kết quả." not in first.text
    second = web.get("/web/search", params={"q": "drone inspection", "jurisdiction": "",
                                            "page": "2"})
    assert len(results(second.text)) == 2  # 12 dossiers in all
    assert set(results(first.text)).isdisjoint(results(second.text))
    assert 'rel="next"' not in second.text and "Không còn kết quả." in second.text


@pytest.mark.parametrize(("role", "sees"), [("admin", True), ("intermediary", True),
                                            ("organiser", False), ("enterprise", False)])
def test_supplier_contacts_only_for_brokers_and_the_department(web, runtime, world, role, sees):
    login(web, runtime, role)
    page = web.get(f"/web/dossiers/{world.dryer}")
    assert page.status_code == 200
    assert "Hanbit Agritech" in page.text
    assert (CONTACT in page.text) is sees


def test_the_needs_a_dossier_could_answer_follow_the_api_rule(web, runtime, world):
    login(web, runtime, "intermediary")  # Bắc Giang
    broker = web.get(f"/web/dossiers/{world.dryer}").text
    assert "Nhu cầu có thể đáp ứng" in broker
    assert f'href="/web/needs/{world.bg_confidential}"' in broker
    assert f'href="/web/needs/{world.hp_confidential}"' not in broker  # another province's

    web.cookies.clear()
    login(web, runtime, "organiser")
    organiser = web.get(f"/web/dossiers/{world.dryer}").text
    assert "Nhu cầu có thể đáp ứng" in organiser and "ẩn danh" in organiser
    assert "/web/needs/" not in organiser.split('id="needs-title"')[1]  # no links
    assert "Sấy vải thiều bg public" in organiser  # public needs, anonymised
    assert "confidential" not in organiser.split('id="needs-title"')[1]
    assert "Lục Ngạn" not in organiser  # never the enterprise's name

    web.cookies.clear()
    login(web, runtime, "enterprise", enterprise_id=world.bg)
    enterprise = web.get(f"/web/dossiers/{world.dryer}").text
    assert "Nhu cầu có thể đáp ứng" not in enterprise


def test_a_missing_dossier_is_the_404_page(web, runtime, world):
    login(web, runtime, "enterprise")
    page = web.get("/web/dossiers/999999")
    assert page.status_code == 404 and "Lỗi 404" in page.text


def test_the_vietnamese_dossier_shows_as_stored(web, runtime, world):
    login(web, runtime, "enterprise")
    page = web.get(f"/web/dossiers/{world.vi_dryer}")
    assert f"<h1>{VI_TITLE}</h1>" in page.text
