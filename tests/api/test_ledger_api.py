"""Ledger endpoints: introductions (409 on illegal changes), records, progress, reports."""

from collections.abc import Iterator
from io import BytesIO

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from matplotlib import image
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api import errors
from api.deps import get_session
from api.routes import (
    fdi_projects,
    intermediaries,
    introductions,
    people,
    plans,
    progress,
    reports,
    trainings,
    transfers,
)
from api.security import get_policy
from matcher.auth.policy import SYSTEM
from matcher.ledger.models import PlanPeriod
from tests.matcher.ledger.world import World, add_plan, build_world, ledger_engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    built = ledger_engine()
    yield built
    built.dispose()


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    with Session(engine) as session:
        yield build_world(session)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    """The ledger routers alone, on the test database (no runtime, no embedding model), called
    as an admin (access is tested on the whole app in test_access*.py)."""
    app = FastAPI()
    for module in (introductions, intermediaries, people, transfers, trainings, fdi_projects,
                   plans, progress, reports):
        app.include_router(module.router)

    def override() -> Iterator[Session]:
        with Session(engine) as s:
            yield s

    app.dependency_overrides[get_session] = override
    app.dependency_overrides[get_policy] = lambda: SYSTEM  # the routers' logic, as an admin
    errors.install(app)
    with TestClient(app) as test_client:
        yield test_client


def _introduce(client: TestClient, world: World, **extra) -> dict:
    body = {"dossier_id": world.korean.id, "enterprise_id": world.agro.id,
            "need_id": world.need.id, "introduced_on": "2024-03-01", "channel": "event",
            "actor": "Nguyễn Thị Hằng"} | extra
    response = client.post("/introductions", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_introduction_returns_status_and_first_event(client: TestClient,
                                                            world: World) -> None:
    data = _introduce(client, world)
    assert data["status"] == "introduced" and data["introduced_on"] == "2024-03-01"
    assert [(e["status"], e["actor"]) for e in data["events"]] == [("introduced",
                                                                    "Nguyễn Thị Hằng")]
    listed = client.get("/introductions", params={"enterprise_id": world.agro.id}).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == data["id"]


def test_introduce_from_match_takes_the_needs_enterprise(client: TestClient,
                                                         world: World) -> None:
    response = client.post("/introductions/from-match", json={
        "need_id": world.need.id, "dossier_id": world.japanese.id})
    assert response.status_code == 201
    data = response.json()
    assert (data["enterprise_id"], data["need_id"], data["status"]) == (
        world.agro.id, world.need.id, "introduced")
    assert data["events"][0]["note"] == "introduced from a match suggestion"


def test_illegal_status_change_is_409_with_the_reason(client: TestClient, world: World) -> None:
    intro = _introduce(client, world)
    response = client.post(f"/introductions/{intro['id']}/status",
                           json={"status": "negotiating", "happened_on": "2024-03-02"})
    assert response.status_code == 409
    assert response.json() == {"detail": "cannot change status from introduced to negotiating; "
                                         "allowed: declined, interested, stalled"}


def test_pipeline_to_a_registered_transfer(client: TestClient, world: World) -> None:
    intro = _introduce(client, world)
    url = f"/introductions/{intro['id']}"
    for status, day in (("interested", "2024-04-01"), ("negotiating", "2024-05-01")):
        assert client.post(f"{url}/status", json={"status": status, "happened_on": day}
                           ).status_code == 201
    early = client.post(f"{url}/transfer", json={"contract_date": "2024-04-15",
                                                 "mode": "licence"})
    assert early.status_code == 409
    assert early.json()["detail"] == "2024-04-15 is before the last status change (2024-05-01)"
    response = client.post(f"{url}/transfer", json={
        "contract_date": "2024-06-01", "value": 45000, "currency": "usd", "mode": "licence",
        "registration_number": "12/2024/GCN-SKHCN", "registration_date": "2024-06-20"})
    assert response.status_code == 201, response.text
    assert response.json()["currency"] == "USD"
    assert client.get(url).json()["status"] == "transferred"
    assert client.get("/ledger/transfers", params={"jurisdiction": "BG"}).json()["count"] == 1
    assert client.get("/ledger/transfers", params={"jurisdiction": "HP"}).json()["count"] == 0


def test_decline_without_reason_is_409_and_unknown_reason_422(client: TestClient,
                                                               world: World) -> None:
    intro = _introduce(client, world)
    url = f"/introductions/{intro['id']}/status"
    assert client.post(url, json={"status": "declined"}).status_code == 409
    assert client.post(url, json={"status": "declined", "decline_reason": "weather"}
                       ).status_code == 422
    done = client.post(url, json={"status": "declined", "decline_reason": "ip_terms",
                                  "note": "licence too restrictive"})
    assert done.status_code == 201 and done.json()["events"][-1]["decline_reason"] == "ip_terms"


def test_unknown_references_are_422_or_404(client: TestClient, world: World) -> None:
    response = client.post("/introductions", json={"dossier_id": 999,
                                                   "enterprise_id": world.agro.id})
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "type": "value_error",
                                           "msg": "no dossier with id 999"}]}
    assert client.get("/introductions/999").json() == {"detail": "Introduction 999 not found"}


def test_intermediary_with_people(client: TestClient, world: World) -> None:
    response = client.post("/ledger/intermediaries", json={
        "name": "Trung tâm Ứng dụng KH&CN", "kind": "st_centre", "jurisdiction": "BG"})
    assert response.status_code == 201
    org = response.json()
    person = client.post(f"/ledger/intermediaries/{org['id']}/people",
                         json={"name": "Trần Văn Khải", "role": "Chuyên viên"})
    assert person.status_code == 201
    assert [p["name"] for p in client.get(f"/ledger/intermediaries/{org['id']}/people").json()
            ] == ["Trần Văn Khải"]
    bad = client.post("/ledger/intermediaries", json={"name": "X Co", "kind": "st_centre",
                                                      "jurisdiction": "ZZ"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == \
        "unknown jurisdiction 'ZZ'"
    renamed = client.patch(f"/ledger/intermediaries/{org['id']}", json={"kind": "brokerage"})
    assert renamed.json()["kind"] == "brokerage"


def test_training_fdi_and_plan_round_trip(client: TestClient, world: World) -> None:
    training = client.post("/ledger/trainings", json={
        "course": "Đánh giá công nghệ", "jurisdiction": "BG", "held_on": "2024-05-05",
        "format": "online", "participants": [{"name": "Lê Thu Hà", "organisation": "Sở"}]})
    assert training.status_code == 201 and len(training.json()["participants"]) == 1
    fdi = client.post("/ledger/fdi-projects", json={
        "name": "Nhà máy linh kiện", "jurisdiction": "BG", "investor_country": "kr",
        "year": 2024, "with_transfer": True})
    assert fdi.status_code == 201 and fdi.json()["investor_country"] == "KR"
    plan = client.post("/ledger/plans", json={
        "ref": "BG-TEST", "jurisdiction": "BG", "title": "Kế hoạch",
        "periods": [{"label": "2023–2025", "start": "2023-01-01", "end": "2025-12-31",
                     "targets": [{"indicator": "people_trained", "value": 100}]}]})
    assert plan.status_code == 201
    assert plan.json()["periods"][0]["targets"][0]["value"] == 100
    assert client.post("/ledger/plans", json={"ref": "BG-TEST", "jurisdiction": "BG",
                                              "title": "again"}).status_code == 409
    result = client.get("/progress", params={"jurisdiction": "BG", "as_of": "2024-12-31"})
    trained = next(i for i in result.json()["indicators"] if i["indicator"] == "people_trained")
    assert (trained["value"], trained["target"], trained["percent"]) == (1, 100, 1.0)


@pytest.mark.parametrize("periods", [
    [{"label": "2023–2025", "start": "2023-01-01", "end": "2025-12-31"},
     {"label": "2023–2025", "start": "2026-01-01", "end": "2030-12-31"}],
    [{"label": "2023–2025", "start": "2023-01-01", "end": "2025-12-31",
      "targets": [{"indicator": "people_trained", "value": 100},
                  {"indicator": "people_trained", "value": 200}]}],
], ids=["same period label twice", "same indicator twice in a period"])
def test_create_plan_whose_periods_clash_writes_nothing(client: TestClient, world: World,
                                                         engine: Engine,
                                                         periods: list[dict]) -> None:
    answer = client.post("/ledger/plans", json={"ref": "BG-CLASH", "jurisdiction": "BG",
                                                "title": "Kế hoạch", "periods": periods})
    assert answer.status_code == 409
    assert answer.json() == {"detail": "plan periods (labels and indicators must be unique) "
                                       "conflicts with an existing record (a unique field such "
                                       "as ref or tax_code is taken)"}
    assert client.get("/ledger/plans").json() == {"data": [], "count": 0}
    with Session(engine) as fresh:
        assert fresh.exec(select(PlanPeriod)).all() == []


def test_progress_without_a_plan_is_404(client: TestClient, world: World) -> None:
    response = client.get("/progress", params={"jurisdiction": "BG", "as_of": "2024-01-01"})
    assert response.status_code == 404
    assert response.json() == {"detail": "no plan of BG has a period containing 2024-01-01"}


def test_report_downloads(client: TestClient, world: World) -> None:
    add_plan(world.session, foreign_dossiers_introduced=80)
    _introduce(client, world)
    params = {"jurisdiction": "BG", "year": 2024}
    xlsx = client.get("/reports/annual.xlsx", params=params)
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"] == (
        "attachment; filename=\"ketnoi-BG-2024.xlsx\"; filename*=UTF-8''ketnoi-BG-2024.xlsx")
    summary = load_workbook(BytesIO(xlsx.content))["summary"]
    assert summary["B5"].value == "foreign_dossiers_introduced" and summary["D5"].value == 1
    png = client.get("/reports/annual.png", params=params)
    assert png.headers["content-type"] == "image/png"
    assert image.imread(BytesIO(png.content), format="png").shape[:2] == (1000, 1000)
