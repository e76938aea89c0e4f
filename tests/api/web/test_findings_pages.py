"""Screening findings in the web app: on the dossier page (the Department's review list with
its buttons), on search results and a need's suggestions; a prohibited dossier is a 404 page
for everyone but the Department until it dismisses the finding."""

import re

from sqlmodel import select

from matcher.auth.models import AuditEntry
from matcher.auth.policy import SYSTEM
from matcher.models import DossierCreate, NeedCreate
from matcher.models.enums import FindingStatus
from matcher.models.finding import FindingDecision, ScreeningFinding
from matcher.platform.runtime import Runtime
from matcher.services import dossiers, needs
from matcher.services.screening import decide
from tests.api.web.conftest import login
from tests.api.web.needs_world import build
from tests.factories import dossier_payload, need_payload

PROHIBITED_VI = "cấm chuyển giao theo Phụ lục III, Nghị định 76/2018"
RESTRICTED_VI = "hạn chế chuyển giao theo Phụ lục II, Nghị định 76/2018"


def _dossier(runtime: Runtime, **fields) -> int:
    with runtime.session() as session:
        made = dossiers.create_dossier(session, DossierCreate.model_validate(
            dossier_payload(**fields)))
        runtime.commit(session, "screened")
        assert made.id is not None
        return made.id


def _kiln(runtime: Runtime) -> int:
    return _dossier(runtime, title="Dây chuyền xi măng lò đứng 300 tấn/ngày", language="vi",
                    summary="Chuyển giao trọn gói xi măng lò đứng.", sector_codes=["VN-05"],
                    keywords=["xi măng"])


def _tanning(runtime: Runtime) -> int:
    return _dossier(runtime, title="Thuộc da crom cho da bò", language="vi",
                    summary="Quy trình thuộc da crom và thiết bị thuộc da.",
                    sector_codes=["VN-04"], keywords=["thuộc da"])


def _finding_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="/web/findings/(\d+)/decision"', html)]


def test_department_reviews_a_prohibited_dossier_and_its_dismissal_is_audited(web, runtime):
    kiln = _kiln(runtime)
    csrf = login(web, runtime, "admin")
    page = web.get(f"/web/dossiers/{kiln}")
    assert page.status_code == 200
    assert "Rà soát tuân thủ" in page.text and PROHIBITED_VI in page.text
    assert "Chưa xem xét" in page.text and ">Bác bỏ</button>" in page.text
    [finding] = _finding_ids(page.text)
    answer = web.post(f"/web/findings/{finding}/decision", follow_redirects=False,
                      data={"csrf_token": csrf, "status": "dismissed", "note": "lò vôi"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/web/dossiers/{kiln}#screening"
    after = web.get(f"/web/dossiers/{kiln}")
    assert "Sở đã bác bỏ: lò vôi" in after.text and ">Mở lại</button>" in after.text
    with runtime.session() as session:
        entry = session.exec(select(AuditEntry).where(
            AuditEntry.table_name == "screeningfinding", AuditEntry.action == "update",
            AuditEntry.record_id == str(finding))).one()
    assert entry.after is not None and entry.after["status"] == "dismissed"
    assert entry.actor.startswith("user ")


def test_broker_gets_404_for_a_prohibited_dossier_until_it_is_dismissed(web, runtime):
    kiln = _kiln(runtime)
    login(web, runtime, "intermediary", jurisdiction="HP")
    assert web.get(f"/web/dossiers/{kiln}").status_code == 404
    found = web.get("/web/search", params={"q": "xi măng lò đứng", "jurisdiction": ""})
    assert f"/web/dossiers/{kiln}" not in found.text
    with runtime.session() as session:  # the Department dismisses it (through the API)
        finding = session.exec(select(ScreeningFinding).where(
            ScreeningFinding.dossier_id == kiln)).one()
        decide(session, SYSTEM, finding.id or 0, FindingDecision(status=FindingStatus.dismissed))
        session.commit()
    assert web.get(f"/web/dossiers/{kiln}").status_code == 200


def test_broker_cannot_decide_on_a_finding(web, runtime):
    tanning = _tanning(runtime)
    login(web, runtime, "admin")
    [finding] = _finding_ids(web.get(f"/web/dossiers/{tanning}").text)
    web.cookies.clear()
    csrf = login(web, runtime, "intermediary")
    page = web.get(f"/web/dossiers/{tanning}")
    assert RESTRICTED_VI in page.text and _finding_ids(page.text) == []
    answer = web.post(f"/web/findings/{finding}/decision", follow_redirects=False,
                      data={"csrf_token": csrf, "status": "dismissed"})
    assert answer.status_code == 403


def test_search_results_and_need_suggestions_show_findings(web, runtime):
    world = build(runtime)
    tanning = _tanning(runtime)
    with runtime.session() as session:
        need = needs.create_need(session, SYSTEM, NeedCreate.model_validate(need_payload(
            world.bg, title="Cần công nghệ thuộc da bò", problem="Thuộc da crom cho da bò.",
            sector_codes=["BG-d"])))
        runtime.commit(session, "need")
        need_id = need.id
    login(web, runtime, "intermediary")
    found = web.get("/web/search", params={"q": "thuộc da crom", "jurisdiction": ""})
    assert f"/web/dossiers/{tanning}" in found.text
    assert RESTRICTED_VI in found.text
    suggestions = web.get(f"/web/needs/{need_id}")
    assert f"/web/dossiers/{tanning}" in suggestions.text
    assert RESTRICTED_VI in suggestions.text
