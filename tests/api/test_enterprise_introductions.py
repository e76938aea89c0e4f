"""Issue 16 (done in issue 14, checked here end to end): an enterprise's key reads the
introductions made for its needs, with their status and history, and nothing of another
enterprise's."""

from fastapi.testclient import TestClient

from matcher.platform.runtime import Runtime
from tests.conftest import authorize
from tests.factories import dossier_payload, enterprise_payload, need_payload


def test_an_enterprise_reads_the_introductions_of_its_needs_and_their_status(
        client: TestClient, runtime: Runtime):
    dossier = client.post("/dossiers", json=dossier_payload()).json()["id"]
    mine, other = (client.post("/enterprises", json=enterprise_payload()).json()["id"]
                   for _ in range(2))
    needs = {e: client.post("/needs", json=need_payload(e)).json()["id"] for e in (mine, other)}
    intros = {}
    for enterprise, need in needs.items():
        answer = client.post("/introductions/from-match",
                             json={"need_id": need, "dossier_id": dossier})
        assert answer.status_code == 201, answer.text
        intros[enterprise] = answer.json()["id"]
    moved = client.post(f"/introductions/{intros[mine]}/status", json={"status": "interested"})
    assert moved.status_code == 201, moved.text
    authorize(client, runtime, "enterprise", "Lục Ngạn", enterprise_id=mine)
    listed = client.get("/introductions").json()
    assert [(i["id"], i["need_id"], i["status"]) for i in listed["data"]] == [
        (intros[mine], needs[mine], "interested")]
    assert listed["count"] == 1
    one = client.get(f"/introductions/{intros[mine]}").json()
    assert [e["status"] for e in one["events"]] == ["introduced", "interested"]
    assert client.get("/introductions", params={"need_id": needs[mine]}).json()["count"] == 1
    hidden = client.get(f"/introductions/{intros[other]}")
    missing = client.get("/introductions/987654")
    assert hidden.status_code == missing.status_code == 404
