"""Fixtures for the API tests: a world of two provinces with a key for every role."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.auth.keys import create_key
from matcher.auth.models import Role
from matcher.platform.config import Settings
from matcher.platform.runtime import Runtime
from tests.conftest import SEED, engine_on, fresh_database, runtime_with_sectors
from tests.factories import dossier_payload, enterprise_payload, need_payload, tax_code
from tests.matcher.events.world import event_payload

ANONYMOUS = "anonymous"


@dataclass
class World:
    """Two provinces, an enterprise in each with a public and a confidential need, and a key
    per role (the enterprise key acts for the Bắc Giang enterprise, the intermediary and
    organiser keys for Bắc Giang). Each need's title holds a canary word (`canary-<need>`), as
    do the introduction of each need and the transfer of one, so a test can tell where a need's
    records went.

    Beside them (`records`): a dossier blocked by a prohibited screening finding (its title
    holds `canary-prohibited`) and that finding, a brokers-only BG need, an event in each
    province, the BG event with a supplier and an enterprise participant for four needs of both
    provinces and a scheduled meeting with each, an introduction for each need, a transfer of
    the HP confidential one, a plan in each province, and an intermediary organisation in each
    province."""

    keys: dict[str, str]
    dossier: int
    bg_enterprise: int
    hp_enterprise: int
    bg_public: int
    bg_confidential: int
    hp_public: int
    hp_confidential: int
    records: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def access_world(e5, tmp_path_factory, databases) -> Iterator[tuple[TestClient, World, Runtime]]:
    """A client with no default key, the world, and its runtime (shared by a module, on a
    database of its own)."""
    with fresh_database(databases) as url:
        yield from _access_world(e5, tmp_path_factory, url)


def _access_world(e5, tmp_path_factory, url: str | None
                  ) -> Iterator[tuple[TestClient, World, Runtime]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), seed_dir=SEED,
                        restore_diacritics=False, database_url=url, _env_file=None)
    runtime = runtime_with_sectors(settings, e5, engine_on(url), persist=False)
    with TestClient(create_app(runtime)) as client:
        with runtime.session() as session:
            _, admin = create_key(session, Role.admin, "Sở KH&CN Bắc Giang")
        client.headers["X-API-Key"] = admin

        def post(path: str, body: dict) -> int:
            response = client.post(path, json=body)
            assert response.status_code == 201, response.text
            return response.json()["id"]

        dossier = post("/dossiers", dossier_payload())
        bg_fields = enterprise_payload(contact_email="lienhe@lucngan.vn",
                                       contact_phone="0912 345 678")
        bg = post("/enterprises", bg_fields)
        hp = post("/enterprises", enterprise_payload(
            tax_code=tax_code("03"), name="Công ty CP Cơ khí Hải Phòng", province="Hải Phòng",
            jurisdiction="HP", main_sector="HP-1.1"))
        needs = {}
        for name, enterprise, sector in (("bg", bg, "BG-d"), ("hp", hp, "HP-1.1")):
            for level in ("public", "confidential"):
                needs[f"{name}_{level}"] = post("/needs", need_payload(
                    enterprise, sector_codes=[sector], confidentiality=level,
                    title=f"Sấy vải canary-{name}-{level}", **(
                        _identified(bg_fields) if (name, level) == ("bg", "public") else {})))
        records = _records(client, post, dossier, bg, hp, needs, bg_fields)
        keys = {ANONYMOUS: ""}
        with runtime.session() as session:
            keys[Role.admin] = admin
            keys[Role.intermediary] = create_key(session, Role.intermediary, "TT Ứng dụng",
                                                 jurisdiction="BG")[1]
            keys[Role.organiser] = create_key(session, Role.organiser, "Techmart BG",
                                              jurisdiction="BG")[1]
            keys[Role.enterprise] = create_key(session, Role.enterprise, "Nông sản Lục Ngạn",
                                               enterprise_id=bg)[1]
        del client.headers["X-API-Key"]
        yield client, World(keys, dossier, bg, hp, **needs, records=records), runtime
    runtime.engine.dispose()


def _identified(enterprise: dict) -> dict:
    """A need text that names its enterprise every way people type it: without diacritics,
    the tax code with dashes, a phone number and an e-mail."""
    code = enterprise["tax_code"]
    return {"problem": "Cong ty TNHH Nong san Luc Ngan can may say vai thieu; lien he "
                       f"0912.345.678 hoac lienhe@lucngan.vn (MST {code[:4]}-{code[4:]}).",
            "desired_result": f"{enterprise['name']} muốn giữ màu quả."}


def _records(client: TestClient, post, dossier: int, bg: int, hp: int,
             needs: dict[str, int], bg_fields: dict) -> dict[str, int]:
    """The events, introductions, transfer, plan and intermediaries of the world (as admin)."""
    records = {"bg_brokers": post("/needs", need_payload(
        bg, confidentiality="intermediaries", title="Sấy vải canary-bg-brokers"))}
    # prohibited for transfer (Decree 76/2018, Annex III): read by admins only
    records["prohibited"] = post("/dossiers", dossier_payload(
        title="Vertical shaft kiln cement plant canary-prohibited", sector_codes=["VN-05"]))
    records["finding"] = client.get(f"/dossiers/{records['prohibited']}").json()[
        "findings"][0]["id"]
    records["bg_event"] = post("/events", event_payload(slots=6, tables=2))
    records["hp_event"] = post("/events", event_payload(jurisdiction="HP", name="Techmart HP"))
    event = f"/events/{records['bg_event']}"
    records["supplier"] = post(f"{event}/participants", {
        "ref": "S1", "kind": "supplier", "name": "Gian hàng Hanbit", "dossier_id": dossier})
    everyone = {**needs, "bg_brokers": records["bg_brokers"]}
    for slot, (name, need) in enumerate(sorted(everyone.items()), start=1):
        records[f"participant_{name}"] = post(f"{event}/participants", {
            "ref": f"E-{name}", "kind": "enterprise", "name": f"Đoàn khách {slot}",
            "need_id": need})
        records[f"meeting_{name}"] = post(f"{event}/meetings", {
            "supplier_participant_id": records["supplier"],
            "enterprise_participant_id": records[f"participant_{name}"], "slot": slot,
            "table": 1, "locked": True})
        records[f"intro_{name}"] = post("/introductions", {
            "dossier_id": dossier, "enterprise_id": hp if name.startswith("hp") else bg,
            "need_id": need, "channel": "event", "note": f"canary-{name.replace('_', '-')}"
            + ("" if name.startswith("hp") else  # brokers name whom they met
               f": gặp {bg_fields['name']}, MST {bg_fields['tax_code']}")})
    assert client.post(f"{event}/schedule").status_code == 200
    records["request"] = post(f"{event}/requests", {
        "requester_id": records["participant_bg_public"], "target_id": records["supplier"]})
    intro = f"/introductions/{records['intro_hp_confidential']}"
    for status in ("interested", "negotiating"):
        assert client.post(f"{intro}/status", json={"status": status}).status_code == 201
    records["transfer"] = post(f"{intro}/transfer", {
        "contract_date": date.today().isoformat(), "mode": "licence",
        "registration_number": "canary-hp-confidential"})
    for code in ("BG", "HP"):  # the annual report of each province
        post("/ledger/plans", {"ref": f"{code}-TEST", "jurisdiction": code, "title": "Kế hoạch",
                               "periods": [{"label": "2026–2030", "start": "2026-01-01",
                                            "end": "2030-12-31", "targets": []}]})
    for code in ("BG", "HP"):
        records[f"intermediary_{code.lower()}"] = post("/ledger/intermediaries", {
            "ref": f"TT-{code}", "name": f"Trung tâm {code}", "kind": "st_centre",
            "jurisdiction": code})
    return records
