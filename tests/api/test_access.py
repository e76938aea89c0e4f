"""Who sees what: anonymised needs, gated contacts, public search, revoked keys, the audit
log and the write rate limit, through the real app."""

import json

from fastapi.testclient import TestClient
from sqlmodel import select

from api.main import create_app
from matcher.auth.anonymise import fold
from matcher.auth.keys import create_key, revoke_key
from matcher.auth.models import AuditEntry, Role
from matcher.models import Enterprise
from matcher.platform.runtime import Runtime
from tests.api.conftest import World
from tests.conftest import authorize
from tests.factories import need_payload


def _as(world: World, role: Role) -> dict[str, str]:
    return {"X-API-Key": world.keys[role]}


def _identity(runtime: Runtime, enterprise_id: int) -> list[str]:
    with runtime.session() as session:
        enterprise = session.get(Enterprise, enterprise_id)
        assert enterprise is not None
        return [enterprise.name, enterprise.tax_code, enterprise.contact_email]


def test_organisers_see_public_needs_anonymised(access_world) -> None:
    client, world, runtime = access_world
    shown = client.get(f"/needs/{world.bg_public}", headers=_as(world, Role.organiser))
    assert shown.status_code == 200
    body = shown.json()
    assert body["anonymised"] is True and body["enterprise_id"] is None and body["ref"] is None
    text = json.dumps(body, ensure_ascii=False)
    assert not any(part and part in text for part in _identity(runtime, world.bg_enterprise))
    listed = client.get("/needs", params={"limit": 100}, headers=_as(world, Role.organiser))
    every = client.get("/needs", params={"limit": 100}, headers=_as(world, Role.admin)).json()
    public = {n["id"] for n in every["data"] if n["confidentiality"] == "public"}
    assert {n["id"] for n in listed.json()["data"]} == public  # other tests add needs
    assert {world.bg_public, world.hp_public} <= public
    assert all(n["anonymised"] and n["enterprise_id"] is None for n in listed.json()["data"])


def test_enterprise_name_in_need_text_is_removed_for_organisers(access_world) -> None:
    client, world, runtime = access_world
    name = _identity(runtime, world.bg_enterprise)[0]
    created = client.post("/needs", headers=_as(world, Role.enterprise), json=need_payload(
        world.bg_enterprise, problem=f"{name} cần máy sấy vải thiều tiết kiệm điện."))
    assert created.status_code == 201, created.text
    shown = client.get(f"/needs/{created.json()['id']}", headers=_as(world, Role.organiser))
    assert name not in shown.text and "[doanh nghiệp] cần máy sấy" in shown.json()["problem"]
    full = client.get(f"/needs/{created.json()['id']}", headers=_as(world, Role.intermediary))
    assert full.json()["problem"].startswith(name)


def test_confidential_needs_only_for_admins_and_same_province_intermediaries(
        access_world) -> None:
    client, world, _ = access_world
    for role, need, status in ((Role.admin, world.hp_confidential, 200),
                               (Role.intermediary, world.bg_confidential, 200),
                               (Role.intermediary, world.hp_confidential, 404),
                               (Role.organiser, world.bg_confidential, 404),
                               (Role.enterprise, world.hp_confidential, 404)):
        assert client.get(f"/needs/{need}", headers=_as(world, role)).status_code == status
    listed = client.get("/needs", headers=_as(world, Role.intermediary)).json()["data"]
    assert world.hp_confidential not in {n["id"] for n in listed}
    assert world.bg_confidential in {n["id"] for n in listed}


def test_enterprise_keys_reach_only_their_own_records(access_world) -> None:
    client, world, _ = access_world
    own = _as(world, Role.enterprise)
    needs = client.get("/needs", headers=own).json()["data"]
    assert needs and {n["enterprise_id"] for n in needs} == {world.bg_enterprise}
    listed = client.get("/enterprises", headers=own).json()["data"]
    assert [e["id"] for e in listed] == [world.bg_enterprise]
    other = client.post("/needs", headers=own, json=need_payload(world.hp_enterprise))
    missing = client.post("/needs", headers=own, json=need_payload(10**9))
    assert other.status_code == missing.status_code == 422
    assert other.json()["detail"][0]["msg"] == f"no enterprise with id {world.hp_enterprise}"
    assert missing.json()["detail"][0]["msg"] == f"no enterprise with id {10**9}"
    implicit = need_payload(world.bg_enterprise)
    del implicit["enterprise_id"]
    made = client.post("/needs", headers=own, json=implicit)
    assert made.status_code == 201 and made.json()["enterprise_id"] == world.bg_enterprise


def test_dossier_matches_hide_what_the_caller_may_not_see(access_world) -> None:
    client, world, runtime = access_world
    path = f"/dossiers/{world.dossier}/matches?limit=50"
    everything = {s["id"] for s in client.get(path, headers=_as(world, Role.admin)).json()["data"]}
    assert {world.bg_confidential, world.hp_confidential} <= everything
    organiser = client.get(path, headers=_as(world, Role.organiser))
    seen = {s["id"] for s in organiser.json()["data"]}
    assert seen and world.bg_confidential not in seen and world.hp_confidential not in seen
    for enterprise in (world.bg_enterprise, world.hp_enterprise):
        assert not any(part and part in organiser.text for part in _identity(runtime, enterprise))
    broker = client.get(path, headers=_as(world, Role.intermediary)).json()["data"]
    assert world.hp_confidential not in {s["id"] for s in broker}


def test_supplier_contacts_only_for_brokers(access_world) -> None:
    client, world, _ = access_world
    path = f"/dossiers/{world.dossier}"
    for role, shown in ((Role.admin, True), (Role.intermediary, True),
                        (Role.organiser, False), (Role.enterprise, False)):
        contact = client.get(path, headers=_as(world, role)).json()["supplier_contact"]
        assert (contact == "tt@hanbit.example") is shown, role
        listed = client.get("/dossiers", headers=_as(world, role)).json()["data"]
        assert all((d["supplier_contact"] is not None) is shown for d in listed), role


def test_keys_are_checked_and_revocable(access_world) -> None:
    client, world, runtime = access_world
    assert client.get("/sectors").status_code == 401
    assert client.get("/sectors", headers={"X-API-Key": "kn_nope_nope"}).status_code == 401
    with runtime.session() as session:
        key, secret = create_key(session, Role.intermediary, "Short-lived", jurisdiction="HP")
        assert client.get("/sectors", headers={"X-API-Key": secret}).status_code == 200
        revoke_key(session, key.id)  # type: ignore[arg-type]
    answer = client.get("/sectors", headers={"X-API-Key": secret})
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]


def test_public_search_only_when_the_setting_allows(runtime: Runtime) -> None:
    public = runtime.settings.model_copy(update={"public_search": True})
    runtime.settings = public
    with TestClient(create_app(runtime)) as client:
        assert client.get("/sectors").status_code == 200
        assert client.get("/search", params={"q": "máy sấy vải"}).status_code == 200
        assert client.get("/needs").status_code == 401
        assert client.get("/dossiers").status_code == 401


def test_every_write_is_audited_with_before_and_after(access_world) -> None:
    client, world, runtime = access_world
    own = _as(world, Role.enterprise)
    made = client.post("/needs", headers=own, json=need_payload(world.bg_enterprise))
    need_id = made.json()["id"]
    client.patch(f"/needs/{need_id}", headers=own, json={"budget_max_vnd": 3e9})
    client.delete(f"/needs/{need_id}", headers=own)
    with runtime.session() as session:
        entries = session.exec(select(AuditEntry).where(
            AuditEntry.table_name == "need", AuditEntry.record_id == str(need_id))
            .order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all("enterprise" in e.actor and "Nông sản Lục Ngạn" in e.actor for e in entries)
    created, updated, deleted = entries
    assert created.before is None and created.after["budget_max_vnd"] == 2e9
    assert created.request == "POST /needs"
    assert updated.before["budget_max_vnd"] == 2e9 and updated.after["budget_max_vnd"] == 3e9
    assert "problem" not in updated.after  # only what changed
    assert deleted.after is None and deleted.before["id"] == need_id
    listed = client.get("/audit", params={"table": "need", "record_id": need_id},
                        headers=_as(world, Role.admin)).json()
    assert [e["action"] for e in listed["data"]] == ["create", "update", "delete"]


def test_writes_beyond_the_rate_limit_get_429(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(update={"write_rate_limit": "3/minute"})
    with TestClient(create_app(runtime)) as client:
        authorize(client, runtime)
        codes = [client.post("/enterprises", json={}).status_code for _ in range(4)]
        assert codes == [422, 422, 422, 429]
        limited = client.post("/enterprises", json={})
        assert int(limited.headers["Retry-After"]) >= 1 and "3/minute" in limited.text
        assert client.get("/enterprises").status_code == 200  # reads are not limited
        authorize(client, runtime, role="intermediary", org="Another broker",
                  jurisdiction="BG")
        assert client.post("/enterprises", json={}).status_code == 422  # per key


def test_what_is_derived_from_an_anonymised_need_holds_no_piece_of_the_name(
        access_world) -> None:
    """Translated terms and explanations come from the anonymised text, so not even a word of
    the enterprise's name ("nông sản" of "Nông sản Lục Ngạn") is translated for organisers."""
    client, world, runtime = access_world
    name = fold(_identity(runtime, world.bg_enterprise)[0])
    path = f"/needs/{world.bg_public}/matches"

    def name_terms(role: Role) -> list[str]:
        found = client.get(path, headers=_as(world, role)).json()
        terms = [t.split(" → ")[0] for t in found["query"]["translated_terms"]]
        return [t for t in terms if fold(t) in name]

    assert name_terms(Role.admin)  # the full view translates words of the name
    assert name_terms(Role.organiser) == []


def test_explanations_say_nothing_of_an_anonymised_enterprise(access_world) -> None:
    """"needs 1 engineer, enterprise has 2" tells brokers what an enterprise can absorb; for
    organisers, in both directions of matching, explanations leave it out."""
    client, world, _ = access_world
    for path in (f"/needs/{world.bg_public}/matches", f"/dossiers/{world.dossier}/matches"):
        said = {role: [s["explanation"] for s in client.get(
            path, headers=_as(world, role)).json()["data"]]
            for role in (Role.admin, Role.organiser)}
        assert any("enterprise has" in e for e in said[Role.admin]), path
        assert said[Role.organiser] and not any("enterprise" in e for e in said[Role.organiser])


def test_an_agenda_topic_is_cut_after_it_is_anonymised(access_world) -> None:
    client, world, runtime = access_world
    admin, organiser = _as(world, Role.admin), _as(world, Role.organiser)
    name = _identity(runtime, world.bg_enterprise)[0]
    need = client.post("/needs", headers=admin, json=need_payload(
        world.bg_enterprise, title="", problem=f"{'Cần máy sấy vải thiều. ' * 5}{name} cần.")
    ).json()["id"]
    event = f"/events/{world.records['bg_event']}"
    person = client.post(f"{event}/participants", headers=admin, json={
        "ref": "CUT", "kind": "enterprise", "name": "Khách", "need_id": need}).json()["id"]
    meeting = client.post(f"{event}/meetings", headers=admin, json={
        "supplier_participant_id": world.records["supplier"],
        "enterprise_participant_id": person, "slot": 6, "table": 2, "locked": True})
    assert meeting.status_code == 201, meeting.text
    assert client.post(f"{event}/schedule", headers=admin).status_code == 200
    agenda = f"{event}/participants/{world.records['supplier']}/agenda"
    topics = [i["topic"] for i in client.get(agenda, headers=organiser).json()]
    cut = next(t for t in topics if t.startswith("Cần máy sấy vải thiều. Cần"))
    assert "Nông" not in cut and "[doan" in cut  # the name straddled character 120
    full = [i["topic"] for i in client.get(agenda, headers=admin).json()]
    assert any(name[:4] in t[115:] for t in full)  # the full view is cut mid-name
