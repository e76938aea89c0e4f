"""Screening findings through the API: computed when a dossier is written, shown on the
dossier and on every suggestion of it, prohibited dossiers never suggested and read by the
Department only, and the Department's audited decision."""

from fastapi.testclient import TestClient
from sqlmodel import select

from matcher.auth.keys import create_key
from matcher.auth.models import AuditEntry, Role
from matcher.ingest.importer import import_records
from matcher.platform.db import session_scope
from matcher.platform.runtime import Runtime
from tests.factories import dossier_payload, enterprise_payload, need_payload

KILN = dict(title="Vertical shaft kiln cement plant, 300 t/day",
            summary="Turnkey vertical shaft kiln for clinker with nodulising pan.",
            sector_codes=["VN-05"], keywords=["cement", "shaft kiln"])
TANNING = dict(title="Thuộc da crom cho da bò quy mô vừa", language="vi",
               summary="Chuyển giao quy trình thuộc da crom và thiết bị thuộc da.",
               sector_codes=["VN-04"], keywords=["thuộc da", "da bò"])
RESTRICTED_VI = ("hạn chế chuyển giao theo Phụ lục II, Nghị định 76/2018 (mục 5: Công nghệ "
                 "thuộc da sử dụng muối crom)")


def _key(runtime: Runtime, role: Role, **scope) -> dict[str, str]:
    with runtime.session() as session:
        return {"X-API-Key": create_key(session, role, f"test {role}", **scope)[1]}


def _create(client: TestClient, **fields) -> dict:
    response = client.post("/dossiers", json=dossier_payload(**fields))
    assert response.status_code == 201, response.text
    return response.json()


def test_created_dossier_answers_with_its_findings(client: TestClient):
    created = _create(client, **TANNING)
    assert [(f["rule"], f["severity"], f["annex"], f["item"], f["status"])
            for f in created["findings"]] == [("decree76", "warning", "II", "5", "open")]
    assert created["findings"][0]["message_vi"] == RESTRICTED_VI
    assert client.get(f"/dossiers/{created['id']}").json()["findings"] == created["findings"]


def test_prohibited_dossier_is_read_by_the_department_only(client: TestClient,
                                                           runtime: Runtime):
    kiln = _create(client, **KILN)["id"]
    assert client.get(f"/dossiers/{kiln}").json()["findings"][0]["severity"] == "prohibited"
    missing = client.get("/dossiers/999999")
    for role, scope in ((Role.intermediary, {"jurisdiction": "HP"}),
                        (Role.organiser, {"jurisdiction": "BG"}), (Role.enterprise, {})):
        if role is Role.enterprise:
            enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
            scope = {"enterprise_id": enterprise}
        headers = _key(runtime, role, **scope)
        for path in (f"/dossiers/{kiln}", f"/dossiers/{kiln}/findings"):
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (role, path)
            assert response.json() == {"detail": f"Dossier {kiln} not found"}
        # word for word as a dossier that does not exist
        assert client.get("/dossiers/999999", headers=headers).json() == missing.json() == {
            "detail": "Dossier 999999 not found"}
        listed = client.get("/dossiers", params={"limit": 100}, headers=headers).json()
        assert kiln not in [d["id"] for d in listed["data"]]
        assert listed["count"] == len(listed["data"])
    everyone = client.get("/dossiers", params={"limit": 100}).json()
    assert kiln in [d["id"] for d in everyone["data"]]


def test_prohibited_dossier_is_never_suggested(client: TestClient):
    kiln = _create(client, **KILN)["id"]
    found = client.get("/search", params={"q": "vertical shaft kiln cement plant"}).json()
    assert kiln not in [s["id"] for s in found["data"]]
    own = client.get(f"/dossiers/{kiln}/matches").json()
    assert own["data"] == [] and own["message"].startswith("prohibited for transfer")


def test_search_and_need_suggestions_carry_the_findings(client: TestClient):
    tanning = _create(client, **TANNING)["id"]
    found = client.get("/search", params={"q": "thuộc da crom"}).json()
    hit = next(s for s in found["data"] if s["id"] == tanning)
    assert [f["message_vi"] for f in hit["findings"]] == [RESTRICTED_VI]
    assert hit["findings"][0]["message_en"].startswith("restricted for transfer under Annex II")
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    need = client.post("/needs", json=need_payload(
        enterprise, title="Cần công nghệ thuộc da bò", problem="Thuộc da crom cho da bò",
        sector_codes=["VN-04"])).json()["id"]
    matches = client.get(f"/needs/{need}/matches").json()
    suggested = next(s for s in matches["data"] if s["id"] == tanning)
    assert [f["item"] for f in suggested["findings"]] == ["5"]


def test_dismissed_finding_no_longer_shows_nor_blocks_and_is_audited(client: TestClient,
                                                                     runtime: Runtime):
    kiln = _create(client, **KILN)["id"]
    finding = client.get(f"/dossiers/{kiln}").json()["findings"][0]["id"]
    broker = _key(runtime, Role.intermediary, jurisdiction="BG")
    response = client.post(f"/findings/{finding}/decision",
                           json={"status": "dismissed", "note": "lime kiln, not cement"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "dismissed"
    assert response.json()["decided_by"].endswith("(admin, Sở KH&CN Bắc Giang)")
    assert client.get(f"/dossiers/{kiln}", headers=broker).json()["findings"] == []
    found = client.get("/search", params={"q": "vertical shaft kiln cement plant"}).json()
    assert kiln in [s["id"] for s in found["data"]]
    every = client.get(f"/dossiers/{kiln}/findings", params={"include_dismissed": True}).json()
    assert [f["status"] for f in every] == ["dismissed"]
    with runtime.session() as session:
        entry = session.exec(select(AuditEntry).where(
            AuditEntry.table_name == "screeningfinding", AuditEntry.record_id == str(finding),
            AuditEntry.action == "update")).one()
    assert entry.before is not None and entry.before["status"] == "open"
    assert entry.after is not None and entry.after["status"] == "dismissed"
    assert entry.actor.endswith("(admin, Sở KH&CN Bắc Giang)")
    assert entry.request == f"POST /findings/{finding}/decision"


def test_decision_is_for_the_department_only(client: TestClient, runtime: Runtime):
    created = _create(client, **TANNING)
    finding = created["findings"][0]["id"]
    broker = _key(runtime, Role.intermediary, jurisdiction="BG")
    response = client.post(f"/findings/{finding}/decision", json={"status": "dismissed"},
                           headers=broker)
    assert response.status_code == 403
    assert client.get(f"/dossiers/{created['id']}/findings").json()[0]["status"] == "open"


def test_decision_on_a_missing_finding_is_404_and_bad_status_is_422(client: TestClient):
    response = client.post("/findings/999999/decision", json={"status": "dismissed"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Finding 999999 not found"}
    finding = _create(client, **TANNING)["findings"][0]["id"]
    response = client.post(f"/findings/{finding}/decision", json={"status": "maybe"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]


def test_rewriting_a_dossier_keeps_decisions_and_drops_findings_that_no_longer_hold(
        client: TestClient):
    created = _create(client, **TANNING)
    finding = created["findings"][0]["id"]
    client.post(f"/findings/{finding}/decision", json={"status": "confirmed"})
    changed = client.patch(f"/dossiers/{created['id']}", json={"trl": 7}).json()
    assert [(f["id"], f["status"]) for f in changed["findings"]] == [(finding, "confirmed")]
    cleared = client.patch(f"/dossiers/{created['id']}", json={
        "title": "Thuộc da thực vật (tanin) cho da bò", "summary": "Quy trình thuộc da tanin.",
        "keywords": ["da bò"]}).json()
    assert cleared["findings"] == []
    older = client.patch(f"/dossiers/{created['id']}", json={
        "second_hand": True, "equipment_year": 2001}).json()
    assert [f["rule"] for f in older["findings"]] == ["second_hand_age"]


def test_imported_dossiers_are_screened(client: TestClient, runtime: Runtime):
    rows = [dossier_payload(**KILN), dossier_payload(**TANNING), dossier_payload()]
    with session_scope(runtime.engine) as session:
        report = import_records(session, "dossiers", rows)
    ids = report.created
    shown = [client.get(f"/dossiers/{i}").json()["findings"] for i in ids]
    assert [[(f["annex"], f["item"]) for f in found] for found in shown] == [
        [("III", "3")], [("II", "5")], []]


def test_dossier_with_findings_can_be_deleted_and_its_findings_go_to_the_audit_log(
        client: TestClient, runtime: Runtime):
    created = _create(client, **KILN)
    finding = created["findings"][0]["id"]
    assert client.delete(f"/dossiers/{created['id']}").status_code == 204
    assert client.get(f"/dossiers/{created['id']}").status_code == 404
    with runtime.session() as session:
        entry = session.exec(select(AuditEntry).where(
            AuditEntry.table_name == "screeningfinding", AuditEntry.record_id == str(finding),
            AuditEntry.action == "delete")).one()
    assert entry.before is not None and entry.before["item"] == "3"
