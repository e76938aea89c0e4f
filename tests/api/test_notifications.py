"""The inbox and saved searches through the API: each caller reads and marks its own
notifications; brokers keep searches that alert them of new dossiers; anyone else's
notification or saved search answers 404, as a missing one does."""

import pytest

from matcher.alerts.job import run_alerts
from matcher.auth.keys import create_key
from matcher.auth.models import Role
from tests.matcher.alerts.conftest import make_world, settings  # noqa: F401 (fixture)


@pytest.fixture
def world(client, runtime):
    return make_world(client, runtime)


def _key(runtime, role: Role, **scope) -> dict[str, str]:
    with runtime.session() as session:
        return {"X-API-Key": create_key(session, role, "Thử nghiệm", **scope)[1]}


def test_an_enterprise_reads_and_marks_its_notifications(client, runtime, world):
    mine = _key(runtime, Role.enterprise, enterprise_id=world.bg_enterprise)
    theirs = _key(runtime, Role.enterprise, enterprise_id=world.hp_enterprise)
    dossier = world.add_dossier()
    run_alerts(runtime)
    inbox = client.get("/notifications", headers=mine).json()
    assert (inbox["count"], inbox["unread"]) == (1, 1)
    note = inbox["data"][0]
    assert (note["kind"], note["need_id"], note["dossier_ids"], note["read"]) == (
        "match.need", world.bg_need, [dossier], False)
    response = client.post(f"/notifications/{note['id']}/read", headers=theirs)
    assert (response.status_code, response.json()) == (
        404, {"detail": f"Notification {note['id']} not found"})
    response = client.post(f"/notifications/{note['id']}/read", headers=mine)
    assert (response.status_code, response.json()["read"]) == (200, True)
    assert client.get("/notifications?unread=true", headers=mine).json()["count"] == 0
    # the HP enterprise's own notice is untouched by the BG reader
    assert client.get("/notifications", headers=theirs).json()["unread"] == 1


def test_read_receipts_are_per_reader_in_a_shared_inbox(client, runtime, world):
    first = _key(runtime, Role.intermediary, jurisdiction="BG")
    second = _key(runtime, Role.intermediary, jurisdiction="BG")
    world.add_dossier()
    run_alerts(runtime)
    assert client.post("/notifications/read-all", headers=first).json()["unread"] == 0
    assert client.get("/notifications", headers=second).json()["unread"] == 1


def test_organisers_hear_nothing_of_needs(client, runtime, world):
    organiser = _key(runtime, Role.organiser, jurisdiction="BG")
    world.add_dossier()
    run_alerts(runtime)
    assert client.get("/notifications", headers=organiser).json() == {
        "data": [], "count": 0, "unread": 0}


def test_a_saved_search_alerts_its_owner_only(client, runtime, world):
    owner = _key(runtime, Role.intermediary, jurisdiction="BG")
    colleague = _key(runtime, Role.intermediary, jurisdiction="BG")
    response = client.post("/saved-searches", headers=owner, json={
        "name": "Máy sấy quả", "query": "may say trai cay bang bom nhiet",
        "jurisdiction": "BG", "sector_codes": ["BG-d", "BG-d"]})
    assert response.status_code == 201, response.text
    search = response.json()
    assert search["sector_codes"] == ["BG-d"]
    dossier = world.add_dossier()
    run_alerts(runtime)
    kinds = {n["kind"]: n for n in client.get("/notifications", headers=owner).json()["data"]}
    assert kinds["match.saved_search"]["saved_search_id"] == search["id"]
    assert kinds["match.saved_search"]["dossier_ids"] == [dossier]
    assert "Máy sấy quả" in kinds["match.saved_search"]["subject"]
    theirs = client.get("/notifications", headers=colleague).json()["data"]
    assert [n["kind"] for n in theirs] == ["match.need"]  # the BG need's, to every BG broker


def test_saved_searches_are_their_owner_s(client, runtime):
    owner = _key(runtime, Role.intermediary, jurisdiction="BG")
    other = _key(runtime, Role.intermediary, jurisdiction="BG")
    created = client.post("/saved-searches", headers=owner,
                          json={"name": "Xử lý nước thải", "query": "xu ly nuoc thai"}).json()
    path = f"/saved-searches/{created['id']}"
    assert client.get("/saved-searches", headers=other).json() == {"data": [], "count": 0}
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"name": "x"}} if method == "patch" else {}
        response = getattr(client, method)(path, headers=other, **kwargs)
        assert (response.status_code, response.json()) == (
            404, {"detail": f"Saved search {created['id']} not found"})
    assert client.get("/saved-searches").json()["count"] == 1  # the admin reads every one
    response = client.patch(path, headers=owner, json={"min_trl": 7})
    assert (response.status_code, response.json()["min_trl"]) == (200, 7)
    assert client.delete(path, headers=owner).status_code == 204
    assert client.get(path, headers=owner).status_code == 404


@pytest.mark.parametrize(("body", "loc", "message"), [
    ({"jurisdiction": "XX"}, ["body", "jurisdiction"], "unknown jurisdiction 'XX'"),
    ({"sector_codes": ["BG-zz"]}, ["body", "sector_codes"], "unknown sector code(s): BG-zz"),
    ({"origin_country": "ZZ"}, ["body", "origin_country"],
     "'ZZ' is not an ISO 3166-1 alpha-2 country code"),
])
def test_a_saved_search_with_an_unknown_filter_is_refused_naming_it(client, runtime, body,
                                                                     loc, message):
    response = client.post("/saved-searches",
                           json={"name": "Tìm", "query": "máy sấy", **body})
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["detail"]] == [(loc, message)]
    assert client.get("/saved-searches").json()["count"] == 0


def test_enterprises_do_not_save_searches(client, runtime, world):
    enterprise = _key(runtime, Role.enterprise, enterprise_id=world.bg_enterprise)
    response = client.post("/saved-searches", headers=enterprise,
                           json={"name": "Tìm", "query": "máy sấy"})
    assert response.status_code == 403
