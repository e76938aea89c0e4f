"""The needs pages through TestClient: the list as the policy lets each role read it (with a
text filter that ignores diacritics), the need form with errors next to their fields in
Vietnamese, editing, a need with its suggestions, and introducing a suggestion."""

import re
from html import unescape

import pytest
from sqlmodel import select

from matcher.ledger.models import Introduction
from matcher.models import Need
from tests.api.web.conftest import login
from tests.api.web.needs_world import build


@pytest.fixture
def world(runtime):
    return build(runtime)


def need_links(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/web/needs/(\d+)"', html)}


def error_of(html: str, name: str) -> str | None:
    """The error shown next to field `name` (None without one)."""
    found = re.search(rf'<p class="error" id="e-{name}" role="alert">([^<]*)</p>', html)
    if found:
        assert f'aria-describedby="e-{name}"' in html
    return unescape(found.group(1)) if found else None


def stored(runtime, need_id: int) -> Need:
    with runtime.session() as session:
        need = session.get(Need, need_id)
        assert need is not None
        session.expunge(need)
        return need


def test_an_enterprise_lists_only_its_own_needs(web, runtime, world):
    login(web, runtime, "enterprise", enterprise_id=world.bg)
    page = web.get("/web/needs")
    assert page.status_code == 200
    assert need_links(page.text) == {world.bg_public, world.bg_confidential}


def test_a_broker_lists_needs_per_the_policy(web, runtime, world):
    login(web, runtime, "intermediary")  # Bắc Giang: not Hải Phòng's confidential need
    page = web.get("/web/needs")
    assert need_links(page.text) == {world.bg_public, world.bg_confidential, world.hp_public}
    assert "Công ty CP Cơ khí Hải Phòng" in page.text  # brokers see which enterprise


def test_the_text_filter_ignores_diacritics_and_case(web, runtime, world):
    login(web, runtime, "admin")
    folded = web.get("/web/needs", params={"q": "SAY VAI THIEU hp"})
    assert need_links(folded.text) == {world.hp_public, world.hp_confidential}
    accented = web.get("/web/needs", params={"q": "vải thiều hp Confidential"})
    assert need_links(accented.text) == {world.hp_confidential}
    none = web.get("/web/needs", params={"q": "máy bay"})
    assert need_links(none.text) == set() and "Không có nhu cầu nào khớp bộ lọc." in none.text


def test_the_status_filter(web, runtime, world):
    login(web, runtime, "admin")
    csrf = login(web, runtime, "admin")
    answer = web.post(f"/web/needs/{world.bg_public}", data={
        "csrf_token": csrf, "problem": "Vải thiều sấy bằng lò than bị thâm, mất mùi.",
        "status": "closed", "confidentiality": "public", "language": "vi"})
    assert answer.status_code == 303, answer.text
    closed = web.get("/web/needs", params={"status": "closed"})
    assert need_links(closed.text) == {world.bg_public}
    bad = web.get("/web/needs", params={"status": "lost"})
    assert bad.status_code == 422
    assert error_of(bad.text, "status") == "Hãy chọn một trong các lựa chọn."


def test_another_enterprises_need_is_a_404_like_a_missing_one(web, runtime, world):
    login(web, runtime, "enterprise", enterprise_id=world.bg)
    for path in (f"/web/needs/{world.hp_public}", f"/web/needs/{world.hp_public}/edit",
                 "/web/needs/999999"):
        page = web.get(path)
        assert page.status_code == 404, path
        assert "Sấy vải thiều hp" not in page.text


def test_a_broker_of_another_province_reads_public_needs_but_may_not_change_them(
        web, runtime, world):
    csrf = login(web, runtime, "intermediary")  # Bắc Giang
    assert web.get(f"/web/needs/{world.hp_confidential}").status_code == 404
    page = web.get(f"/web/needs/{world.hp_public}")
    assert page.status_code == 200
    assert "/introduce" not in page.text and "/edit" not in page.text
    assert web.get(f"/web/needs/{world.hp_public}/edit").status_code == 403
    answer = web.post(f"/web/needs/{world.hp_public}", data={"csrf_token": csrf,
                                                             "title": "changed"})
    assert answer.status_code == 403
    assert stored(runtime, world.hp_public).title == "Sấy vải thiều hp public"


def test_organisers_are_refused_the_needs_pages(web, runtime, world):
    login(web, runtime, "organiser")
    for path in ("/web/needs", "/web/needs/new", f"/web/needs/{world.bg_public}"):
        assert web.get(path).status_code == 403, path


def test_an_enterprise_submits_a_need_errors_next_to_the_field_first(web, runtime, world):
    csrf = login(web, runtime, "enterprise", enterprise_id=world.bg)
    form = web.get("/web/needs/new")
    assert form.status_code == 200 and 'name="enterprise_id"' not in form.text
    typed = {"csrf_token": csrf, "title": "Bảo quản nhãn tươi", "problem": "ab",
             "budget_max_vnd": "1.500.000.000", "sector_codes": ["BG-d"],
             "preferred_countries": "kr, JP", "confidentiality": "intermediaries",
             "language": "vi", "enterprise_id": str(world.hp)}
    wrong = web.post("/web/needs", data=typed)
    assert wrong.status_code == 422
    assert error_of(wrong.text, "problem") == "Quá ngắn: cần ít nhất 3 ký tự."
    assert error_of(wrong.text, "title") is None
    assert 'value="Bảo quản nhãn tươi"' in wrong.text  # the typed values stay
    assert re.search(r'value="BG-d" checked', wrong.text)

    right = web.post("/web/needs", data={**typed, "problem": "Nhãn tươi thâm vỏ sau 3 ngày."})
    assert right.status_code == 303, right.text
    need_id = int(right.headers["location"].rsplit("/", 1)[1])
    assert right.headers["location"] == f"/web/needs/{need_id}"
    need = stored(runtime, need_id)
    assert need.enterprise_id == world.bg  # its own, whatever the form said
    assert (need.budget_max_vnd, need.preferred_countries, need.confidentiality) == (
        1_500_000_000, ["KR", "JP"], "intermediaries")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("budget_min_vnd", "2.000.000.000", "Ngân sách tối thiểu không được lớn hơn ngân sách tối đa."),
    ("timeline_months", "nhiều", "Hãy nhập một số nguyên."),
    ("preferred_countries", "Hàn", "Nhập mã quốc gia hai chữ cái, ví dụ KR, JP, DE."),
    ("sector_codes", "XX-1", "Mã lĩnh vực không xác định."),
    ("title", "x" * 301, "Quá dài: tối đa 300 ký tự."),
])
def test_form_errors_are_in_vietnamese_next_to_their_field(web, runtime, world, field, value,
                                                           message):
    csrf = login(web, runtime, "enterprise", enterprise_id=world.bg)
    answer = web.post("/web/needs", data={"csrf_token": csrf, "problem": "Nhãn tươi thâm vỏ.",
                                          "budget_max_vnd": "1000000000", field: value})
    assert answer.status_code == 422
    assert error_of(answer.text, field) == message


def test_a_broker_chooses_among_the_enterprises_of_their_province(web, runtime, world):
    csrf = login(web, runtime, "intermediary")  # Bắc Giang
    form = web.get("/web/needs/new").text
    assert f'<option value="{world.bg}"' in form and f'<option value="{world.hp}"' not in form
    body = {"csrf_token": csrf, "problem": "Nhãn tươi thâm vỏ sau 3 ngày."}
    missing = web.post("/web/needs", data=body)
    assert error_of(missing.text, "enterprise_id") == "Trường này là bắt buộc."
    other = web.post("/web/needs", data={**body, "enterprise_id": str(world.hp)})
    assert error_of(other.text, "enterprise_id") == \
        "Chọn một doanh nghiệp mà bạn được gửi nhu cầu thay."
    made = web.post("/web/needs", data={**body, "enterprise_id": str(world.bg)})
    assert made.status_code == 303
    assert stored(runtime, int(made.headers["location"].rsplit("/", 1)[1])).enterprise_id \
        == world.bg


def test_editing_a_need(web, runtime, world):
    csrf = login(web, runtime, "intermediary")
    form = web.get(f"/web/needs/{world.bg_confidential}/edit")
    assert form.status_code == 200 and 'value="Sấy vải thiều bg confidential"' in form.text
    assert 'value="2.000.000.000"' in form.text or 'value="2000000000"' in form.text
    values = {"csrf_token": csrf, "title": "Sấy nhãn", "problem": "Nhãn sấy bị cháy.",
              "confidentiality": "confidential", "status": "open", "language": "vi",
              "sector_codes": ["BG-d"], "budget_max_vnd": "2000000000"}
    short = web.post(f"/web/needs/{world.bg_confidential}", data={**values, "problem": "x"})
    assert short.status_code == 422 and error_of(short.text, "problem")
    wider = web.post(f"/web/needs/{world.bg_confidential}",
                     data={**values, "confidentiality": "public"})
    assert error_of(wider.text, "confidentiality") == \
        "Chỉ Sở KH&CN hoặc chính doanh nghiệp mới được công khai nhu cầu rộng hơn."
    saved = web.post(f"/web/needs/{world.bg_confidential}", data=values)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/web/needs/{world.bg_confidential}"
    need = stored(runtime, world.bg_confidential)
    assert (need.title, need.problem, need.confidentiality) == (
        "Sấy nhãn", "Nhãn sấy bị cháy.", "confidential")
    assert need.desired_result == ""  # left blank: emptied


def test_a_need_shows_its_suggestions_and_brokers_may_introduce(web, runtime, world):
    login(web, runtime, "enterprise", enterprise_id=world.bg)
    own = web.get(f"/web/needs/{world.bg_public}").text
    assert "Công nghệ được gợi ý" in own and f'href="/web/dossiers/{world.dryer}"' in own
    assert "Lý do gợi ý" in own and "Điểm" in own
    assert "/introduce" not in own  # enterprises do not introduce
    web.cookies.clear()
    csrf = login(web, runtime, "intermediary")
    page = web.get(f"/web/needs/{world.bg_public}").text
    assert f'action="/web/needs/{world.bg_public}/introduce"' in page
    assert f'name="dossier_id" value="{world.dryer}"' in page
    answer = web.post(f"/web/needs/{world.bg_public}/introduce",
                      data={"csrf_token": csrf, "dossier_id": str(world.dryer)})
    assert answer.status_code == 303, answer.text
    with runtime.session() as session:
        intro = session.exec(select(Introduction).where(
            Introduction.need_id == world.bg_public)).one()
        assert (intro.dossier_id, intro.enterprise_id) == (world.dryer, world.bg)
        assert answer.headers["location"] == f"/web/introductions/{intro.id}"
        intro_id = intro.id
    again = web.post(f"/web/needs/{world.bg_public}/introduce",
                     data={"csrf_token": csrf, "dossier_id": str(world.dryer)})
    assert again.status_code == 409
    assert "Hồ sơ này đã được giới thiệu cho nhu cầu này." in again.text
    assert f'href="/web/introductions/{intro_id}"' in again.text
    with runtime.session() as session:
        assert len(session.exec(select(Introduction)).all()) == 1


def test_an_introduction_the_policy_refuses_is_said_on_the_need_page(web, runtime, world):
    csrf = login(web, runtime, "intermediary")  # Bắc Giang; the need is Hải Phòng's
    answer = web.post(f"/web/needs/{world.hp_public}/introduce",
                      data={"csrf_token": csrf, "dossier_id": str(world.drone)})
    assert answer.status_code == 403
    assert "Tài khoản của bạn không được giới thiệu hồ sơ cho doanh nghiệp này." in answer.text
    for absent in ("999999", "10000000000000000000", "²", "-1", ""):  # none is a 500
        missing = web.post(f"/web/needs/{world.bg_public}/introduce",
                           data={"csrf_token": csrf, "dossier_id": absent})
        assert missing.status_code == 422, absent
        assert "Không ghi nhận được lượt giới thiệu." in missing.text
    with runtime.session() as session:
        assert session.exec(select(Introduction)).all() == []


def test_the_province_and_sector_filters_go_through_the_api(web, runtime, world):
    login(web, runtime, "admin")
    hp = web.get("/web/needs", params={"jurisdiction": "HP"})
    assert need_links(hp.text) == {world.hp_public, world.hp_confidential}
    by_sector = web.get("/web/needs", params={"sector": "HP-1.1", "q": "vai thieu public"})
    assert need_links(by_sector.text) == {world.hp_public}
    assert 'value="HP-1.1" selected' in by_sector.text
    bad = web.get("/web/needs", params={"jurisdiction": "XX"})
    assert bad.status_code == 422 and need_links(bad.text) == set()

