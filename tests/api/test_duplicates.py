"""Duplicate dossiers through the API: a new dossier is answered with the stored dossiers it
likely duplicates (a re-worded copy from another source, not a neighbour on its topic), a
broker merges the duplicate into the dossier kept, which keeps every source, and search then
shows one; who may merge, and a missing dossier answering 404 on every path."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from matcher.auth.models import AuditEntry
from matcher.platform.runtime import Runtime
from tests.catalogue_data import GENUINE, NEIGHBOUR, ORIGINAL, reworded_copy, seed_dossier
from tests.conftest import authorize
from tests.factories import enterprise_payload


def create(client: TestClient, body: dict) -> dict:
    response = client.post("/dossiers", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def stored(client: TestClient) -> dict[str, dict]:
    """The original and its topic neighbour stored, then a re-worded copy created."""
    original = create(client, seed_dossier(ORIGINAL))
    neighbour = create(client, seed_dossier(NEIGHBOUR))
    copy = create(client, reworded_copy(ORIGINAL, "TM-COPY-1"))
    return {"original": original, "neighbour": neighbour, "copy": copy}


def test_a_reworded_copy_is_answered_with_its_original_and_not_the_topic_neighbour(stored):
    found = stored["copy"]["duplicates"]
    assert [d["id"] for d in found] == [stored["original"]["id"]]
    assert found[0]["score"] >= 0.7 and found[0]["cosine"] > 0.9
    assert stored["neighbour"]["duplicates"] == []  # created after the original: not a copy


def test_the_seed_pair_from_two_sources_is_found(client: TestClient):
    first, second = (create(client, seed_dossier(ref)) for ref in GENUINE)
    assert [d["id"] for d in second["duplicates"]] == [first["id"]]
    listed = client.get(f"/dossiers/{first['id']}/duplicates").json()
    assert [d["id"] for d in listed["data"]] == [second["id"]]


def test_merge_keeps_every_source_and_leaves_one_in_search(client: TestClient, runtime: Runtime,
                                                           stored):
    original, copy = stored["original"]["id"], stored["copy"]["id"]
    query = "dây chuyền sản xuất viên nén gỗ từ mùn cưa"
    before = [s["id"] for s in client.get("/search", params={"q": query}).json()["data"]]
    assert {original, copy} <= set(before)

    answer = client.post(f"/dossiers/{copy}/merge", json={"into": original})
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == original and answer.json()["status"] == "active"

    merged = client.get(f"/dossiers/{copy}").json()
    assert (merged["status"], merged["merged_into"]) == ("merged", original)
    sources = client.get(f"/dossiers/{original}/sources").json()
    assert [(s["dossier_id"], s["source"], s["source_ref"], s["ref"]) for s in sources["data"]] \
        == [(original, "shanghai_exchange", seed_dossier(ORIGINAL)["source_ref"], ORIGINAL),
            (copy, "techmart", "TM-TM-COPY-1", "TM-COPY-1")]
    assert sources["data"][1]["merged_by"].startswith("key ")
    after = [s["id"] for s in client.get("/search", params={"q": query}).json()["data"]]
    assert original in after and copy not in after
    assert client.get(f"/dossiers/{original}/duplicates").json()["data"] == []
    with runtime.session() as session:
        logged = session.exec(select(AuditEntry).where(AuditEntry.table_name == "dossier",
                                                       AuditEntry.record_id == str(copy),
                                                       AuditEntry.action == "update")).all()
    assert logged[-1].after["status"] == "merged" and logged[-1].after["merged_into"] == original
    assert logged[-1].request == f"POST /dossiers/{copy}/merge"


def test_merging_into_a_merged_dossier_and_chains_end_at_the_kept_one(client: TestClient):
    a, b, c = (create(client, reworded_copy(ORIGINAL, f"CHAIN-{n}"))["id"] for n in range(3))
    assert client.post(f"/dossiers/{a}/merge", json={"into": b}).status_code == 200
    again = client.post(f"/dossiers/{a}/merge", json={"into": c})
    assert again.status_code == 409
    assert again.json()["detail"] == f"dossier {a} was already merged into dossier {b}"
    into_merged = client.post(f"/dossiers/{c}/merge", json={"into": a})
    assert into_merged.status_code == 422
    assert into_merged.json()["detail"][0]["loc"] == ["body", "into"]
    assert client.post(f"/dossiers/{b}/merge", json={"into": c}).status_code == 200
    assert client.get(f"/dossiers/{a}").json()["merged_into"] == c  # re-pointed
    sources = client.get(f"/dossiers/{c}/sources").json()["data"]
    assert [s["dossier_id"] for s in sources] == [c, a, b]


def test_a_merged_dossier_is_not_changed_and_status_merged_is_not_set_by_hand(
        client: TestClient, stored):
    original, copy = stored["original"]["id"], stored["copy"]["id"]
    client.post(f"/dossiers/{copy}/merge", json={"into": original})
    patched = client.patch(f"/dossiers/{copy}", json={"title": "Changed title"})
    assert patched.status_code == 409
    assert patched.json()["detail"] == (f"dossier {copy} was merged into dossier {original}: "
                                        "change that one")
    by_hand = client.patch(f"/dossiers/{original}", json={"status": "merged"})
    assert by_hand.status_code == 422
    assert by_hand.json()["detail"][0]["loc"] == ["body", "status"]


def test_merge_of_a_missing_dossier_is_404_and_a_missing_target_422_at_into(client, stored):
    copy = stored["copy"]["id"]
    missing = client.post("/dossiers/999999/merge", json={"into": copy})
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Dossier 999999 not found"}
    target = client.post(f"/dossiers/{copy}/merge", json={"into": 999999})
    assert target.status_code == 422
    assert target.json()["detail"][0]["loc"] == ["body", "into"]
    assert target.json()["detail"][0]["msg"] == "no dossier with id 999999"
    itself = client.post(f"/dossiers/{copy}/merge", json={"into": copy})
    assert itself.status_code == 422
    assert itself.json()["detail"][0]["msg"] == "a dossier cannot be merged into itself"
    for path in ("/dossiers/999999/duplicates", "/dossiers/999999/sources"):
        assert client.get(path).status_code == 404
    assert client.get(f"/dossiers/{copy}").json()["status"] == "active"  # nothing written


@pytest.mark.parametrize("role", ["organiser", "enterprise"])
def test_only_brokers_merge(client: TestClient, runtime: Runtime, stored, role: str):
    original, copy = stored["original"]["id"], stored["copy"]["id"]
    enterprise = None
    if role == "enterprise":
        enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    authorize(client, runtime, role, "Org", jurisdiction=None if enterprise else "BG",
              enterprise_id=enterprise)
    assert client.post(f"/dossiers/{copy}/merge", json={"into": original}).status_code == 403
    assert client.get(f"/dossiers/{copy}/duplicates").status_code == 403
    assert client.get(f"/dossiers/{original}/sources").status_code == 200
    authorize(client, runtime, "intermediary", "Trung tâm BG", jurisdiction="BG")
    assert client.post(f"/dossiers/{copy}/merge", json={"into": original}).status_code == 200
