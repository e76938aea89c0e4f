"""Fixtures for the API tests: a world of two provinces with a key for every role."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.pool import StaticPool

from api.main import create_app
from matcher.auth.keys import create_key
from matcher.auth.models import Role
from matcher.config import Settings
from matcher.db import make_engine
from matcher.runtime import Runtime
from tests.conftest import SEED, runtime_with_sectors
from tests.factories import dossier_payload, enterprise_payload, need_payload, tax_code

ANONYMOUS = "anonymous"


@dataclass
class World:
    """Two provinces, an enterprise in each with a public and a confidential need, and a key
    per role (the enterprise key acts for the Bắc Giang enterprise)."""

    keys: dict[str, str]
    dossier: int
    bg_enterprise: int
    hp_enterprise: int
    bg_public: int
    bg_confidential: int
    hp_public: int
    hp_confidential: int


@pytest.fixture(scope="module")
def access_world(e5, tmp_path_factory) -> Iterator[tuple[TestClient, World, Runtime]]:
    """A client with no default key, the world, and its runtime (shared by a module)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), seed_dir=SEED,
                        restore_diacritics=False, _env_file=None)
    runtime = runtime_with_sectors(settings, e5, make_engine("sqlite://", poolclass=StaticPool),
                                   persist=False)
    with TestClient(create_app(runtime)) as client:
        with runtime.session() as session:
            _, admin = create_key(session, Role.admin, "Sở KH&CN Bắc Giang")
        client.headers["X-API-Key"] = admin

        def post(path: str, body: dict) -> int:
            response = client.post(path, json=body)
            assert response.status_code == 201, response.text
            return response.json()["id"]

        dossier = post("/dossiers", dossier_payload())
        bg = post("/enterprises", enterprise_payload())
        hp = post("/enterprises", enterprise_payload(
            tax_code=tax_code("03"), name="Công ty CP Cơ khí Hải Phòng", province="Hải Phòng",
            jurisdiction="HP", main_sector="HP-1.1"))
        needs = {}
        for name, enterprise, sector in (("bg", bg, "BG-d"), ("hp", hp, "HP-1.1")):
            for level in ("public", "confidential"):
                needs[f"{name}_{level}"] = post("/needs", need_payload(
                    enterprise, sector_codes=[sector], confidentiality=level))
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
        yield client, World(keys, dossier, bg, hp, **needs), runtime
