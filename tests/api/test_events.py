"""The /events API: a full round trip on an in-memory database with a stand-in matcher, the
error answers, and one pairing with the real matcher and embedding model."""

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import errors
from api.routes import agendas, events, meeting_requests, meetings, outcomes, participants, schedule
from api.security import get_policy
from matcher.auth.policy import SYSTEM
from matcher.events import importer
from matcher.events.models import MeetingRequest
from matcher.events.service import now
from matcher.ingest.seed import load_sectors
from matcher.platform.config import Settings
from matcher.platform.runtime import build_runtime
from tests.conftest import authorize
from tests.factories import dossier_payload, enterprise_payload, need_payload
from tests.matcher.events.test_candidates import FakeMatches
from tests.matcher.events.world import World, build_world, event_payload, memory_engine


@pytest.fixture
def setup() -> Iterator[tuple[TestClient, World, Session]]:
    """An app with only the event routers, over a fresh database and a stand-in matcher."""
    engine = memory_engine()
    session = Session(engine)
    world = build_world(session, suppliers=3, enterprises=4, slots=4, tables=2)
    matches = FakeMatches({need.id: {d.id: 0.5 + 0.1 * i for i, d in enumerate(world.dossiers)}
                           for need in world.needs})
    app = FastAPI()
    for module in (events, participants, meeting_requests, meetings, schedule, agendas, outcomes):
        app.include_router(module.router)
    app.dependency_overrides[get_policy] = lambda: SYSTEM  # as an admin (access: test_access*.py)
    errors.install(app)
    app.state.runtime = SimpleNamespace(session=lambda: Session(engine), matches=matches,
                                        lock=threading.RLock())
    with TestClient(app) as client:
        yield client, world, session
    session.close()
    engine.dispose()


def test_event_round_trip(setup: tuple[TestClient, World, Session]) -> None:
    client, world, _ = setup
    created = client.post("/events", json=event_payload(slots=3, tables=2, name="Techdemo HP"))
    assert created.status_code == 201
    event_id = created.json()["id"]
    assert client.get(f"/events/{event_id}").json()["slot_starts"][2] == "2026-11-24T10:15"

    csv_text = ("ref,kind,name,dossier_id,need_id,available_slots,max_meetings\n"
                + "".join(f"S{i},supplier,Supplier {i},{d.id},,,3\n"
                          for i, d in enumerate(world.dossiers))
                + "".join(f"E{i},enterprise,Enterprise {i},,{n.id},1-2,2\n"
                          for i, n in enumerate(world.needs)))
    imported = client.post(f"/events/{event_id}/participants/import",
                           files={"file": ("people.csv", csv_text, "text/csv")})
    assert imported.status_code == 200, imported.text
    assert len(imported.json()["created"]) == 7
    people = {p["ref"]: p["id"] for p in
              client.get(f"/events/{event_id}/participants").json()["data"]}

    request = client.post(f"/events/{event_id}/requests", json={
        "requester_id": people["E3"], "target_id": people["S0"], "reason": "Sấy vải"}).json()
    answered = client.patch(f"/events/{event_id}/requests/{request['id']}",
                            json={"status": "accepted"})
    assert answered.json()["status"] == "accepted"
    locked = client.post(f"/events/{event_id}/meetings", json={
        "supplier_participant_id": people["S1"], "enterprise_participant_id": people["E0"],
        "slot": 2, "table": 1})
    assert locked.status_code == 201 and locked.json()["locked"] is True

    paired = client.post(f"/events/{event_id}/pair").json()
    assert paired["kept"] == 2
    assert paired["gap"] == pytest.approx(0.0, abs=1e-6)
    scheduled = client.post(f"/events/{event_id}/schedule").json()
    assert scheduled["violations"] == []
    assert client.get(f"/events/{event_id}/check").json() == {"valid": True, "violations": []}
    rows = client.get(f"/events/{event_id}/meetings").json()["data"]
    mine = next(m for m in rows if m["id"] == locked.json()["id"])
    assert (mine["slot"], mine["table"], mine["status"]) == (2, 1, "scheduled")
    assert {m["slot"] for m in rows if m["status"] == "scheduled"} <= {1, 2}

    agenda = client.get(f"/events/{event_id}/participants/{people['S1']}/agenda")
    assert any(item["slot"] == 2 and item["counterpart"] == "Enterprise 0"
               for item in agenda.json())
    ics = client.get(f"/events/{event_id}/participants/{people['S1']}/agenda",
                     params={"format": "ics"})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    html = client.get(f"/events/{event_id}/participants/{people['S1']}/agenda",
                      params={"format": "html"})
    assert "<table>" in html.text
    grid = client.get(f"/events/{event_id}/grid").json()
    assert grid["cells"][1][0] == "Supplier 1 ↔ Enterprise 0"
    assert client.get(f"/events/{event_id}/grid", params={"format": "csv"}).text.startswith(
        "slot,start,table 1,table 2")

    outcome = client.post(f"/events/{event_id}/meetings/{mine['id']}/outcome",
                          json={"status": "held", "rating": "cooperation_possible"})
    assert outcome.status_code == 200 and outcome.json()["status"] == "held"
    follow = client.post(f"/events/{event_id}/meetings/{mine['id']}/follow-up",
                         json={"follow_up": "negotiation_started"})
    assert follow.json()["follow_up"] == "negotiation_started"
    summary = client.get(f"/events/{event_id}/outcomes").json()
    assert summary["by_status"]["held"] == 1
    assert summary["by_follow_up"]["negotiation_started"] == 1


def test_greedy_pairing_answers_without_a_bound(setup) -> None:
    client, world, _ = setup
    answer = client.post(f"/events/{world.event.id}/pair", params={"greedy": True})
    assert answer.status_code == 200
    assert (answer.json()["solver"], answer.json()["bound"]) == ("greedy", None)


def test_import_rejects_the_whole_file_naming_rows(setup) -> None:
    client, world, _ = setup
    event_id = world.event.id
    text = "ref,kind,name,dossier_id\nA,supplier,Kim,999\nB,supplier,Lee,\n"
    answer = client.post(f"/events/{event_id}/participants/import",
                         files={"file": ("p.csv", text, "text/csv")})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"loc": ["body", "file", 1, "dossier_id"], "type": "value_error", "row": 1,
         "field": "dossier_id", "msg": "no dossier with id 999"},
        {"loc": ["body", "file", 2, "-"], "type": "value_error", "row": 2, "field": "-",
         "msg": "Value error, a supplier needs a dossier_id"}]
    assert client.get(f"/events/{event_id}/participants").json()["count"] == 7


def test_import_beyond_the_row_cap_is_413_naming_it(setup, monkeypatch) -> None:
    client, world, _ = setup
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 2)
    text = "ref,kind,name,dossier_id\n" + "".join(
        f"A{i},supplier,Kim,{world.dossiers[0].id}\n" for i in range(3))
    answer = client.post(f"/events/{world.event.id}/participants/import",
                         files={"file": ("p.csv", text, "text/csv")})
    assert answer.status_code == 413
    assert answer.json() == {"detail": "the file has 3 rows; an import takes at most 2 "
                                       "(MAX_IMPORT_ROWS): split it into several files"}
    assert client.get(f"/events/{world.event.id}/participants").json()["count"] == 7


def test_error_answers(setup) -> None:
    client, world, session = setup
    event_id = world.event.id
    assert client.get("/events/999").json() == {"detail": "Event 999 not found"}
    s0, e0 = world.suppliers[0].id, world.enterprises[0].id
    answer = client.post(f"/events/{event_id}/meetings", json={
        "supplier_participant_id": s0, "enterprise_participant_id": e0})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "a locked meeting needs a slot"
    same_kind = client.post(f"/events/{event_id}/requests",
                            json={"requester_id": s0, "target_id": world.suppliers[1].id})
    assert same_kind.status_code == 422
    stale = MeetingRequest(event_id=event_id, requester_id=s0, target_id=e0,
                           expires_at=now() - timedelta(minutes=1))
    session.add(stale)
    session.commit()
    late = client.patch(f"/events/{event_id}/requests/{stale.id}", json={"status": "accepted"})
    assert late.status_code == 409
    assert late.json()["detail"] == f"request {stale.id} is expired, not pending"
    for e in world.enterprises[:2]:
        client.post(f"/events/{event_id}/meetings", json={
            "supplier_participant_id": s0, "enterprise_participant_id": e.id, "slot": 1})
    clash = client.post(f"/events/{event_id}/schedule")
    assert clash.status_code == 409
    assert "has another locked meeting then" in clash.json()["detail"]


@pytest.fixture
def real_client(settings: Settings, e5) -> Iterator[TestClient]:
    """The full app on the real runtime and e5 model (diacritic restoration off: it is not
    what this test is about), authenticated as an admin."""
    from api.main import create_app

    engine = memory_engine()
    runtime = build_runtime(settings.model_copy(update={"restore_diacritics": False}),
                            engine=engine, embedder=e5, persist=False)
    with Session(engine) as session:
        load_sectors(session, settings.seed_dir / "sectors.json")
        session.commit()
    with TestClient(create_app(runtime)) as client:
        authorize(client, runtime)
        yield client


def test_pairing_with_the_real_matcher(real_client: TestClient) -> None:
    """The real matcher: of two exhibitors, the fruit dryer is paired with the drying need."""
    client = real_client
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()
    need = client.post("/needs", json=need_payload(enterprise["id"])).json()
    dryer = client.post("/dossiers", json=dossier_payload()).json()
    other = client.post("/dossiers", json=dossier_payload(
        title="Offshore wind turbine blade inspection drone", summary="Drone inspection.",
        description="Autonomous drones inspect wind turbine blades.", sector_codes=["VN-01"],
        keywords=["drone", "wind"])).json()
    event_id = client.post("/events", json=event_payload(slots=2, tables=1)).json()["id"]
    for body in ({"ref": "S1", "kind": "supplier", "name": "Hanbit", "dossier_id": dryer["id"]},
                 {"ref": "S2", "kind": "supplier", "name": "Windy", "dossier_id": other["id"]},
                 {"ref": "E1", "kind": "enterprise", "name": "Lục Ngạn", "need_id": need["id"],
                  "max_meetings": 1}):
        assert client.post(f"/events/{event_id}/participants", json=body).status_code == 201
    paired = client.post(f"/events/{event_id}/pair").json()
    assert paired["meetings"] == 1
    meeting = client.get(f"/events/{event_id}/meetings").json()["data"][0]
    supplier = client.get(f"/events/{event_id}/participants").json()["data"][0]
    assert meeting["supplier_participant_id"] == supplier["id"]  # the fruit dryer, not the drone
    assert client.post(f"/events/{event_id}/schedule").json()["violations"] == []


def test_an_unknown_time_zone_is_422_naming_it(client: TestClient) -> None:
    answer = client.post("/events", json=event_payload(timezone="Mars/Olympus_Mons"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == [{
        "type": "value_error", "loc": ["body", "timezone"],
        "msg": "Value error, 'Mars/Olympus_Mons' is not an IANA time zone (e.g. Asia/Ho_Chi_Minh)"}]


def test_an_unknown_jurisdiction_is_422_naming_it(client: TestClient) -> None:
    answer = client.post("/events", json=event_payload(jurisdiction="XX"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == [{"loc": ["body", "jurisdiction"], "type": "value_error",
                                        "msg": "unknown jurisdiction 'XX'"}]


def _starts(count: int) -> list[str]:
    """`count` back-to-back 10-minute slots from 2026-11-24 00:00."""
    first = datetime(2026, 11, 24)
    return [(first + timedelta(minutes=10 * i)).isoformat(timespec="minutes")
            for i in range(count)]


def test_a_small_body_cannot_make_a_huge_grid(client: TestClient) -> None:
    """A 20 KB body asked for 1,000 slots × 5,000 tables: a grid of 45 MB on every read."""
    body = event_payload(meeting_minutes=10, slot_starts=_starts(1_000), table_count=5_000,
                         ends_on="2026-11-30")
    answer = client.post("/events", json=body)
    assert answer.status_code == 422, answer.text[:300]
    assert [e["loc"] for e in answer.json()["detail"]] == [["body", "slot_starts"]]
    body["slot_starts"] = body["slot_starts"][:500]
    answer = client.post("/events", json=body)
    assert answer.status_code == 422, answer.text[:300]
    assert [e["loc"] for e in answer.json()["detail"]] == [["body", "table_count"]]


def test_growing_the_tables_beyond_the_grid_limit_is_422(client: TestClient) -> None:
    body = event_payload(meeting_minutes=10, slot_starts=_starts(500), table_count=100,
                         ends_on="2026-11-27")
    event_id = client.post("/events", json=body).json()["id"]
    answer = client.patch(f"/events/{event_id}", json={"table_count": 101})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "table_count"]
    assert client.get(f"/events/{event_id}").json()["table_count"] == 100
