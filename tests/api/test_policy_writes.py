"""Writes through the access policy: intermediary and organiser keys write within their
jurisdiction, and no write widens anyone's view. The attacker's reproductions of issue 12, and
every event write, generated from the routes."""

import pytest
from sqlmodel import col, select

from api.access import RULES
from matcher.auth.keys import KeyRequestError, create_key
from matcher.auth.models import AuditEntry, Role
from tests.api.conftest import World
from tests.api.test_access_matrix import _api_routes
from tests.api.test_policy_matrix import Fixture, call
from tests.factories import enterprise_payload, need_payload
from tests.matcher.events.world import event_payload

WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def _as(world: World, role: Role) -> dict[str, str]:
    return {"X-API-Key": world.keys[role]}


@pytest.fixture(scope="module")
def fixture(access_world) -> Fixture:
    client, world, _ = access_world
    return Fixture(client, world)


def test_every_event_write_is_bounded_by_the_keys_jurisdiction(fixture: Fixture) -> None:
    """Each write under /events/{event_id}, by each non-admin role its rule admits: 403 on the
    HP event, and past that check on the BG event (the keys are of Bắc Giang)."""
    hp_event, checked = fixture.world.records["hp_event"], 0
    for route in _api_routes(fixture.client.app):
        method = sorted(route.methods - {"HEAD"})[0]
        if "{event_id}" not in route.path or method not in WRITES:
            continue
        for role in RULES[route.name].roles - {Role.admin}:
            status, text = call(fixture, role, route, method, event_id=hp_event)
            assert status == 403 and "of HP" in text, f"{role} {method} {route.path}: {text}"
            own = call(fixture, role, route, method)
            assert own[0] != 403, f"{role} {method} {route.path} on its own event: {own}"
            checked += 1
    assert checked >= 14, checked


def test_a_broker_cannot_move_an_enterprise_into_its_province(access_world) -> None:
    client, world, runtime = access_world
    broker, admin = _as(world, Role.intermediary), _as(world, Role.admin)
    moved = client.patch(f"/enterprises/{world.hp_enterprise}", json={"jurisdiction": "BG"},
                         headers=broker)
    assert moved.status_code == 403
    assert client.get(f"/needs/{world.hp_confidential}", headers=broker).status_code == 404
    out = client.patch(f"/enterprises/{world.bg_enterprise}", json={"jurisdiction": "HP"},
                       headers=broker)
    assert out.status_code == 403
    assert client.get(f"/enterprises/{world.hp_enterprise}",
                      headers=admin).json()["jurisdiction"] == "HP"
    there = client.patch(f"/enterprises/{world.hp_enterprise}", json={"jurisdiction": "BG"},
                         headers=admin)
    back = client.patch(f"/enterprises/{world.hp_enterprise}", json={"jurisdiction": "HP"},
                        headers=admin)
    assert there.status_code == back.status_code == 200
    with runtime.session() as session:
        moves = session.exec(select(AuditEntry).where(
            AuditEntry.table_name == "enterprise",
            AuditEntry.record_id == str(world.hp_enterprise))
            .order_by(col(AuditEntry.id))).all()
    assert [(m.before or {}).get("jurisdiction") for m in moves if "admin" in m.actor][-2:] \
        == ["HP", "BG"]


def test_making_a_need_more_public_is_for_admins_and_its_own_enterprise(access_world) -> None:
    client, world, runtime = access_world
    broker, owner = _as(world, Role.intermediary), _as(world, Role.enterprise)
    admin = _as(world, Role.admin)
    hp_brokers = client.post("/needs", headers=admin, json=need_payload(
        world.hp_enterprise, confidentiality="intermediaries")).json()["id"]
    refused = client.patch(f"/needs/{hp_brokers}", json={"confidentiality": "public"},
                           headers=broker)
    assert refused.status_code == 403  # another province's need
    bg_brokers = world.records["bg_brokers"]
    wider = client.patch(f"/needs/{bg_brokers}", json={"confidentiality": "public"},
                         headers=broker)
    assert wider.status_code == 403 and "more public" in wider.json()["detail"]
    narrower = client.patch(f"/needs/{bg_brokers}", json={"confidentiality": "confidential"},
                            headers=broker)
    assert narrower.status_code == 200
    assert client.get(f"/needs/{bg_brokers}", headers=_as(world, Role.organiser)
                      ).status_code == 404
    reopened = client.patch(f"/needs/{bg_brokers}", json={"confidentiality": "intermediaries"},
                            headers=owner)
    assert reopened.status_code == 200 and reopened.json()["confidentiality"] == "intermediaries"
    with runtime.session() as session:
        changes = session.exec(select(AuditEntry).where(
            AuditEntry.table_name == "need", AuditEntry.record_id == str(bg_brokers),
            AuditEntry.action == "update").order_by(col(AuditEntry.id))).all()
    assert [c.after["confidentiality"] for c in changes] == ["confidential", "intermediaries"]


def test_every_write_of_a_broker_stays_in_its_province(access_world) -> None:
    client, world, _ = access_world
    broker, records = _as(world, Role.intermediary), world.records
    other = [
        ("POST", "/enterprises", enterprise_payload(jurisdiction="HP", main_sector="HP-1.1")),
        ("PATCH", f"/needs/{world.hp_public}", {"title": "Đổi tên"}),
        ("DELETE", f"/needs/{world.hp_public}", None),
        ("POST", "/needs", need_payload(world.hp_enterprise, sector_codes=["HP-1.1"])),
        ("PATCH", f"/enterprises/{world.hp_enterprise}", {"employees": 1}),
        ("POST", "/introductions", {"dossier_id": world.dossier,
                                    "enterprise_id": world.hp_enterprise,
                                    "need_id": world.hp_public}),
        ("POST", "/introductions/from-match", {"need_id": world.hp_public,
                                               "dossier_id": world.dossier}),
        ("POST", f"/introductions/{records['intro_hp_public']}/status",
         {"status": "interested"}),
        ("POST", "/ledger/trainings", {"course": "Đánh giá", "jurisdiction": "HP",
                                       "held_on": "2026-03-01"}),
        ("POST", f"/ledger/intermediaries/{records['intermediary_hp']}/people",
         {"name": "Trần B", "role": "broker"}),
        ("POST", "/ledger/fdi-projects", {"name": "Nhà máy Hanbit", "investor_country": "KR",
                                          "jurisdiction": "HP", "year": 2026,
                                          "with_transfer": True}),
    ]
    for method, path, body in other:
        answer = client.request(method, path, json=body, headers=broker)
        assert answer.status_code == 403, f"{method} {path}: {answer.text}"
        assert "of HP" in answer.json()["detail"] or "admin" in answer.json()["detail"]
    own = client.post("/introductions", headers=broker, json={
        "dossier_id": world.dossier, "enterprise_id": world.bg_enterprise,
        "need_id": world.bg_public})
    assert own.status_code == 201, own.text
    event = client.post("/events", headers=_as(world, Role.organiser),
                        json=event_payload(jurisdiction="HP"))
    assert event.status_code == 403


def test_keys_of_brokers_and_organisers_name_their_province(session) -> None:
    for role in (Role.intermediary, Role.organiser):
        with pytest.raises(KeyRequestError, match="jurisdiction"):
            create_key(session, role, "Không tỉnh")


def test_a_held_meeting_goes_only_into_a_ledger_the_organiser_writes(access_world) -> None:
    """A BG Techmart where an HP enterprise met a supplier: the meeting is held, but only the
    BG enterprise's meeting becomes an introduction (HP's brokers record their own)."""
    client, world, _ = access_world
    organiser, admin = _as(world, Role.organiser), _as(world, Role.admin)
    event = f"/events/{_event(client, admin, world, hp=world.hp_public, bg=world.bg_public)}"
    meetings = {}
    for slot, ref in enumerate(("hp", "bg"), start=1):
        meetings[ref] = client.post(f"{event}/meetings", headers=admin, json={
            "supplier_participant_id": _id(client, event, "S", admin),
            "enterprise_participant_id": _id(client, event, ref, admin), "slot": slot,
            "table": 1, "locked": True}).json()["id"]
    assert client.post(f"{event}/schedule", headers=admin).status_code == 200

    def introductions_of(enterprise: int) -> int:
        return client.get("/introductions", params={"enterprise_id": enterprise},
                          headers=admin).json()["count"]

    before = introductions_of(world.hp_enterprise)
    held = {"status": "held", "rating": "cooperation_possible"}
    away = client.post(f"{event}/meetings/{meetings['hp']}/outcome", json=held,
                       headers=organiser)
    assert away.status_code == 200, away.text
    assert away.json()["status"] == "held"
    assert away.json()["introduction_id"] is None
    assert introductions_of(world.hp_enterprise) == before
    home = client.post(f"{event}/meetings/{meetings['bg']}/outcome", json=held,
                       headers=organiser)
    assert home.status_code == 200, home.text
    assert home.json()["introduction_id"] is not None


def _event(client, admin: dict, world: World, **needs: int) -> int:
    """A BG event (by the admin) with the world's supplier and a participant per need."""
    event = client.post("/events", json=event_payload(), headers=admin).json()["id"]
    rows = [("S", {"kind": "supplier", "dossier_id": world.dossier})]
    rows += [(ref, {"kind": "enterprise", "need_id": need}) for ref, need in needs.items()]
    for ref, body in rows:
        made = client.post(f"/events/{event}/participants", headers=admin,
                           json={"ref": ref, "name": f"Khách {ref}", **body})
        assert made.status_code == 201, made.text
    return event


def _id(client, event: str, ref: str, admin: dict) -> int:
    rows = client.get(f"{event}/participants", headers=admin).json()["data"]
    return next(p["id"] for p in rows if p["ref"] == ref)


def test_pairing_matches_only_the_needs_the_caller_may_see(access_world) -> None:
    client, world, _ = access_world
    admin, organiser = _as(world, Role.admin), _as(world, Role.organiser)
    event = _event(client, admin, world, public=world.bg_public, hidden=world.bg_confidential)
    people = {p["id"]: p["ref"] for p in client.get(
        f"/events/{event}/participants", headers=admin).json()["data"]}

    def paired(headers: dict) -> set[str]:
        assert client.post(f"/events/{event}/pair", headers=headers).status_code == 200
        rows = client.get(f"/events/{event}/meetings", headers=admin).json()["data"]
        return {people[m["enterprise_participant_id"]] for m in rows}

    assert paired(admin) == {"public", "hidden"}
    assert paired(organiser) == {"public"}


def test_a_need_ref_of_another_enterprise_is_never_taken(access_world) -> None:
    """Refs are an enterprise's own: one that another enterprise uses is free (no 409 to
    confirm it exists); the enterprise's own taken ref is a 409."""
    client, world, _ = access_world
    admin, owner = _as(world, Role.admin), _as(world, Role.enterprise)
    taken = client.get(f"/needs/{world.hp_confidential}", headers=admin).json()["ref"]
    mine = client.post("/needs", headers=owner, json=need_payload(world.bg_enterprise, ref=taken))
    assert mine.status_code == 201, mine.text
    again = client.post("/needs", headers=owner, json=need_payload(world.bg_enterprise, ref=taken))
    assert again.status_code == 409
