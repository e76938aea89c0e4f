"""Validity of dossiers and needs: the default period, renewal, expired records out of search
and matching yet readable by those who read them, the expired / expiring filters, and
`expiring` for the reminders."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from matcher.auth.models import Role
from matcher.ingest.importer import import_records
from matcher.models import Dossier, Need
from matcher.models.validity import local_today, months_after
from matcher.platform.config import get_settings
from matcher.platform.runtime import Runtime
from matcher.search.matches import EXPIRED
from matcher.services.validity import expiring
from tests.api.conftest import World
from tests.conftest import authorize
from tests.factories import dossier_payload, enterprise_payload, need_payload

DRYER = dict(title="Heat-pump dryer for lychee and longan",
             summary="Closed-loop heat-pump drying keeps colour and aroma of lychee and longan, "
                     "using 40 % less energy than coal kilns.",
             sector_codes=["VN-04"], keywords=["fruit drying", "heat pump", "lychee"])
QUERY = "máy sấy vải thiều bơm nhiệt"


def _post(client: TestClient, path: str, body: dict) -> dict:
    response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _end_validity(runtime: Runtime, model: type, record_id: int, days_ago: int) -> None:
    """Let the record's validity end `days_ago` days ago (0: it ends today, still listed), as
    time would, through a session like any other write (the index follows the outbox)."""
    with runtime.session() as session:
        record = session.get(model, record_id)
        record.valid_until = local_today() - timedelta(days=days_ago)
        session.add(record)
        runtime.commit(session, "validity")


def _ids(answer: dict) -> list[int]:
    return [s["id"] for s in answer["data"]]


@pytest.fixture
def settings_months(monkeypatch) -> Iterator[None]:
    """KETNOI_VALIDITY_MONTHS=3 for this test (the process-wide settings read anew)."""
    monkeypatch.setenv("KETNOI_VALIDITY_MONTHS", "3")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("KETNOI_VALIDITY_MONTHS")
    get_settings.cache_clear()


def test_a_new_dossier_and_need_are_listed_for_twelve_months(client: TestClient):
    dossier = _post(client, "/dossiers", dossier_payload())
    enterprise = _post(client, "/enterprises", enterprise_payload())
    need = _post(client, "/needs", need_payload(enterprise["id"]))
    year_on = months_after(local_today(), 12).isoformat()
    assert (dossier["valid_until"], dossier["expired"]) == (year_on, False)
    assert (need["valid_until"], need["expired"]) == (year_on, False)
    assert client.get(f"/needs/{need['id']}").json()["valid_until"] == year_on


def test_the_period_is_configurable(client: TestClient, settings_months):
    dossier = _post(client, "/dossiers", dossier_payload())
    assert dossier["valid_until"] == months_after(local_today(), 3).isoformat()


def test_a_client_cannot_set_its_own_validity(client: TestClient):
    dossier = _post(client, "/dossiers", dossier_payload(valid_until="2099-12-31"))
    assert dossier["valid_until"] == months_after(local_today(), 12).isoformat()
    changed = client.patch(f"/dossiers/{dossier['id']}", json={"valid_until": "2099-12-31"})
    assert changed.json()["valid_until"] == dossier["valid_until"]


def test_months_after_keeps_the_day_or_takes_the_months_last():
    day = local_today().replace(year=2027, month=1, day=31)
    assert months_after(day, 1).isoformat() == "2027-02-28"
    assert months_after(day.replace(year=2028), 1).isoformat() == "2028-02-29"
    assert months_after(day, 12).isoformat() == "2028-01-31"
    assert months_after(day.replace(month=12, day=7), 14).isoformat() == "2029-02-07"


def test_an_expired_dossier_leaves_search_and_suggestions_until_renewed(
        client: TestClient, runtime: Runtime):
    dossier = _post(client, "/dossiers", dossier_payload(**DRYER))
    enterprise = _post(client, "/enterprises", enterprise_payload())
    need = _post(client, "/needs", need_payload(enterprise["id"]))
    assert dossier["id"] in _ids(client.get("/search", params={"q": QUERY}).json())
    assert dossier["id"] in _ids(client.get(f"/needs/{need['id']}/matches").json())

    _end_validity(runtime, Dossier, dossier["id"], days_ago=0)  # its last day: still listed
    assert dossier["id"] in _ids(client.get("/search", params={"q": QUERY}).json())
    _end_validity(runtime, Dossier, dossier["id"], days_ago=1)
    assert dossier["id"] not in _ids(client.get("/search", params={"q": QUERY}).json())
    assert dossier["id"] not in _ids(client.get(f"/needs/{need['id']}/matches").json())
    read = client.get(f"/dossiers/{dossier['id']}").json()
    assert (read["title"], read["expired"]) == (DRYER["title"], True)
    own_matches = client.get(f"/dossiers/{dossier['id']}/matches").json()
    assert (own_matches["data"], own_matches["message"]) == ([], EXPIRED)

    renewed = client.post(f"/dossiers/{dossier['id']}/renew")
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["valid_until"] == months_after(local_today(), 12).isoformat()
    assert renewed.json()["expired"] is False
    assert dossier["id"] in _ids(client.get("/search", params={"q": QUERY}).json())


def test_an_expired_need_leaves_matching_but_its_enterprise_still_reads_it(
        client: TestClient, runtime: Runtime):
    dossier = _post(client, "/dossiers", dossier_payload(**DRYER))
    enterprise = _post(client, "/enterprises", enterprise_payload())
    need = _post(client, "/needs", need_payload(enterprise["id"]))
    assert need["id"] in _ids(client.get(f"/dossiers/{dossier['id']}/matches").json())
    _end_validity(runtime, Need, need["id"], days_ago=3)
    assert need["id"] not in _ids(client.get(f"/dossiers/{dossier['id']}/matches").json())

    authorize(client, runtime, role=Role.enterprise, org="Lục Ngạn",
              enterprise_id=enterprise["id"])
    read = client.get(f"/needs/{need['id']}").json()
    assert (read["problem"], read["expired"]) == (need["problem"], True)
    assert [n["id"] for n in client.get("/needs", params={"expired": True}).json()["data"]] \
        == [need["id"]]
    own_matches = client.get(f"/needs/{need['id']}/matches").json()
    assert (own_matches["data"], own_matches["confident"], own_matches["message"]) \
        == ([], False, EXPIRED)

    renewed = client.post(f"/needs/{need['id']}/renew")  # by its own enterprise
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["expired"] is False
    assert _ids(client.get(f"/needs/{need['id']}/matches").json())[0] == dossier["id"]
    authorize(client, runtime)
    assert need["id"] in _ids(client.get(f"/dossiers/{dossier['id']}/matches").json())


def test_lists_filter_expired_and_expiring_records(client: TestClient, runtime: Runtime):
    ids = [_post(client, "/dossiers", dossier_payload())["id"] for _ in range(4)]
    _end_validity(runtime, Dossier, ids[0], days_ago=2)  # expired
    _end_validity(runtime, Dossier, ids[1], days_ago=0)  # its last day is today
    with runtime.session() as session:  # ends in ten days
        session.get(Dossier, ids[2]).valid_until = local_today() + timedelta(days=10)
        runtime.commit(session, "validity")

    def listed(**params) -> list[int]:
        response = client.get("/dossiers", params=params)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["data"]]

    assert listed(expired=True) == [ids[0]]
    assert listed(expired=False) == ids[1:]
    assert listed(expiring_within=0) == [ids[1]]
    assert listed(expiring_within=10) == [ids[1], ids[2]]
    assert listed(expiring_within=10, expired=True) == []
    bad = client.get("/dossiers", params={"expiring_within": -1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query",
                                                                          "expiring_within"]


def test_expiring_finds_current_records_ending_within_the_days_soonest_first(
        client: TestClient, runtime: Runtime):
    enterprise = _post(client, "/enterprises", enterprise_payload())
    needs = [_post(client, "/needs", need_payload(enterprise["id"]))["id"] for _ in range(3)]
    dossier = _post(client, "/dossiers", dossier_payload())["id"]
    with runtime.session() as session:
        for need_id, days in zip(needs, (20, 5, -1), strict=True):
            session.get(Need, need_id).valid_until = local_today() + timedelta(days=days)
        session.get(Dossier, dossier).valid_until = local_today() + timedelta(days=30)
        runtime.commit(session, "validity")
        soon = expiring(session, 30)
        assert [n.id for n in soon.needs] == [needs[1], needs[0]]  # not the expired one
        assert [d.id for d in soon.dossiers] == [dossier]
        assert expiring(session, 4).needs == []
        with pytest.raises(ValueError, match="within_days"):
            expiring(session, -1)


# --- who may renew -----------------------------------------------------------------------------

def _as(world: World, role: Role) -> dict[str, str]:
    return {"X-API-Key": world.keys[role]}


def test_renewing_a_hidden_need_answers_like_a_missing_one(access_world):
    client, world, _ = access_world
    enterprise, broker = _as(world, Role.enterprise), _as(world, Role.intermediary)
    missing = client.post("/needs/999999/renew", headers=enterprise)
    assert missing.status_code == 404
    # another enterprise's need, a confidential need of another province: 404 as missing
    for headers, need_id in ((enterprise, world.hp_public), (broker, world.hp_confidential)):
        hidden = client.post(f"/needs/{need_id}/renew", headers=headers)
        assert (hidden.status_code, hidden.json()) == (
            404, {"detail": f"Need {need_id} not found"})
    assert client.post("/dossiers/999999/renew",
                       headers=broker).json() == {"detail": "Dossier 999999 not found"}


def test_renewing_is_for_those_who_may_change_the_record(access_world):
    client, world, _ = access_world
    broker = _as(world, Role.intermediary)
    # a Bắc Giang broker reads Hải Phòng's public need but does not write there
    refused = client.post(f"/needs/{world.hp_public}/renew", headers=broker)
    assert refused.status_code == 403 and "of HP" in refused.json()["detail"]
    assert client.post(f"/needs/{world.bg_public}/renew", headers=broker).status_code == 200
    assert client.post(f"/needs/{world.bg_public}/renew",
                       headers=_as(world, Role.enterprise)).status_code == 200
    for role in (Role.enterprise, Role.organiser):
        assert client.post(f"/dossiers/{world.dossier}/renew",
                           headers=_as(world, role)).status_code == 403
    assert client.post(f"/dossiers/{world.dossier}/renew", headers=broker).status_code == 200


# --- completeness of dossiers ------------------------------------------------------------------

def test_brokers_and_admins_see_the_completeness_others_do_not(access_world):
    client, world, _ = access_world
    for role in (Role.admin, Role.intermediary):
        quality = client.get(f"/dossiers/{world.dossier}", headers=_as(world, role)).json()[
            "quality"]
        # the factory's dossier: a one-line description, no advantages, no IPR status
        assert quality["score"] == 60
        assert [m["key"] for m in quality["missing"]] == ["description", "advantages", "ipr"]
        assert quality["missing"][1] == {"key": "advantages",
                                         "label_en": "Advantages and innovation",
                                         "label_vi": "Ưu điểm và tính mới"}
    for role in (Role.enterprise, Role.organiser):
        headers = _as(world, role)
        assert client.get(f"/dossiers/{world.dossier}", headers=headers).json()["quality"] \
            is None
        assert all(d["quality"] is None
                   for d in client.get("/dossiers", headers=headers).json()["data"])
        for params in ({"min_quality": 50}, {"sort": "quality"}, {"sort": "-quality"}):
            refused = client.get("/dossiers", params=params, headers=headers)
            assert refused.status_code == 403, params
            assert "completeness" in refused.json()["detail"]


def test_dossier_lists_filter_and_sort_by_completeness(client: TestClient):
    full = _post(client, "/dossiers", dossier_payload(
        description="The dryer recovers the latent heat of the moist air. " * 8,
        advantages="Uses 40 % less energy than coal kilns.", ipr_status="patent_granted"))
    bare = _post(client, "/dossiers", dossier_payload(
        summary="", trl=None, price_min=None, price_max=None, transfer_modes=[],
        req_engineers=0, ipr_status="know_how"))
    middle = _post(client, "/dossiers", dossier_payload())
    assert [d["quality"]["score"] for d in (full, bare, middle)] == [100, 10, 60]

    def listed(**params) -> list[int]:
        response = client.get("/dossiers", params=params)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["data"]]

    assert listed(sort="quality") == [full["id"], middle["id"], bare["id"]]
    assert listed(sort="-quality") == [bare["id"], middle["id"], full["id"]]
    assert listed(min_quality=60) == [full["id"], middle["id"]]
    assert listed(min_quality=60, sort="quality", limit=1, skip=1) == [middle["id"]]
    assert client.get("/dossiers", params={"min_quality": 60}).json()["count"] == 2
    assert client.get("/dossiers", params={"min_quality": 101}).status_code == 422


def test_an_import_lists_new_records_for_the_period_and_an_upsert_keeps_their_date(
        session, runtime: Runtime):
    rows = [dossier_payload(ref="IMP-1"), dossier_payload(ref="IMP-2")]
    created = import_records(session, "dossiers", rows).created
    session.commit()
    year_on = months_after(local_today(), 12)
    assert [session.get(Dossier, i).valid_until for i in created] == [year_on, year_on]
    _end_validity(runtime, Dossier, created[0], days_ago=5)
    import_records(session, "dossiers", [dossier_payload(ref="IMP-1", title="Renamed dryer")],
                   upsert=True)
    session.commit()
    updated = session.get(Dossier, created[0])
    session.refresh(updated)
    assert (updated.title, updated.valid_until) == (
        "Renamed dryer", local_today() - timedelta(days=5))
