"""`GET /needs` filtered by province, sector, status and text (with or without diacritics),
only ever among the needs the caller may read and on the text as the caller reads it; and
`GET /search` in pages."""

import pytest
from fastapi.testclient import TestClient

from matcher.platform.runtime import Runtime
from tests.conftest import authorize
from tests.factories import dossier_payload, enterprise_payload, need_payload


@pytest.fixture
def needs(client: TestClient) -> dict[str, int]:
    """Four needs: wastewater in Bắc Giang (typed with diacritics) and in Hải Phòng (typed
    without), a dryer in Bắc Giang (closed), and a confidential one in Hải Phòng."""
    bg = client.post("/enterprises", json=enterprise_payload(
        name="Công ty TNHH Chăn nuôi Hoàng Phát")).json()["id"]
    hp = client.post("/enterprises", json=enterprise_payload(
        name="Công ty CP Thuỷ sản Cát Hải", province="Hải Phòng", jurisdiction="HP",
        main_sector="HP-1.3")).json()["id"]
    bodies = {
        "bg_water": need_payload(bg, title="Xử lý nước thải chăn nuôi lợn",
                                 problem="Chăn nuôi Hoàng Phát cần xử lý nước thải trại lợn.",
                                 sector_codes=["BG-g"]),
        "hp_water": need_payload(hp, title="Xu ly nuoc thai nuoi tom",
                                 problem="Nuoc thai ao tom gay o nhiem.",
                                 sector_codes=["HP-1.7"]),
        "bg_dryer": need_payload(bg, status="closed"),
        "hp_secret": need_payload(hp, title="Nước thải chế biến cá",
                                  problem="Nước thải chứa kháng sinh.", sector_codes=["HP-1.7"],
                                  confidentiality="confidential"),
    }
    ids = {}
    for name, body in bodies.items():
        answer = client.post("/needs", json=body)
        assert answer.status_code == 201, answer.text
        ids[name] = answer.json()["id"]
    return ids


def listed(client: TestClient, **params) -> list[int]:
    answer = client.get("/needs", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["count"] == len(body["data"])  # one page holds them all here
    return sorted(n["id"] for n in body["data"])


def test_filters_by_province_sector_and_status(client: TestClient, needs: dict[str, int]):
    assert listed(client, jurisdiction="BG") == sorted([needs["bg_water"], needs["bg_dryer"]])
    assert listed(client, sector="HP-1.7") == sorted([needs["hp_water"], needs["hp_secret"]])
    assert listed(client, sector=["BG-g", "BG-d"]) == sorted([needs["bg_water"],
                                                              needs["bg_dryer"]])
    assert listed(client, jurisdiction="BG", status="open") == [needs["bg_water"]]


@pytest.mark.parametrize("q", ["nước thải", "nuoc thai", "NƯỚC THẢI", "Nuoc  Thai!"])
def test_text_matches_with_and_without_diacritics(client: TestClient, needs: dict[str, int],
                                                  q: str):
    assert listed(client, q=q) == sorted([needs["bg_water"], needs["hp_water"],
                                          needs["hp_secret"]])
    assert listed(client, q=q, jurisdiction="HP") == sorted([needs["hp_water"],
                                                             needs["hp_secret"]])


def test_every_word_of_the_text_must_be_there(client: TestClient, needs: dict[str, int]):
    assert listed(client, q="nuoc thai lon") == [needs["bg_water"]]
    assert listed(client, q="thai xyzzy") == []


def test_pages_of_a_text_filter_count_them_all(client: TestClient, needs: dict[str, int]):
    first = client.get("/needs", params={"q": "nuoc thai", "limit": 2}).json()
    second = client.get("/needs", params={"q": "nuoc thai", "limit": 2, "skip": 2}).json()
    assert (first["count"], second["count"]) == (3, 3)
    assert [n["id"] for n in first["data"] + second["data"]] == sorted(
        [needs["bg_water"], needs["hp_water"], needs["hp_secret"]])


def test_a_broker_never_finds_another_province_s_confidential_need(
        client: TestClient, runtime: Runtime, needs: dict[str, int]):
    authorize(client, runtime, "intermediary", "BG brokers", jurisdiction="BG")
    assert listed(client, q="nuoc thai") == sorted([needs["bg_water"], needs["hp_water"]])
    assert listed(client, q="kháng sinh") == []
    assert listed(client, jurisdiction="HP", sector="HP-1.7") == [needs["hp_water"]]


def test_an_organiser_s_text_filter_does_not_see_the_enterprise_name(
        client: TestClient, runtime: Runtime, needs: dict[str, int]):
    assert listed(client, q="Hoàng Phát") == [needs["bg_water"]]  # an admin reads the name
    authorize(client, runtime, "organiser", "Techmart BG", jurisdiction="BG")
    assert listed(client, q="nuoc thai lon") == [needs["bg_water"]]
    assert listed(client, q="Hoàng Phát") == []  # in the text, but scrubbed from the view


def test_an_enterprise_filters_only_its_own_needs(client: TestClient, runtime: Runtime,
                                                  needs: dict[str, int]):
    owner = client.get(f"/needs/{needs['hp_water']}").json()["enterprise_id"]
    authorize(client, runtime, "enterprise", "Cát Hải", enterprise_id=owner)
    assert listed(client, q="nuoc thai") == sorted([needs["hp_water"], needs["hp_secret"]])
    assert listed(client, jurisdiction="BG") == []


def test_unknown_sector_and_jurisdiction_are_422_naming_the_parameter(client: TestClient):
    answer = client.get("/needs", params={"sector": "XX-9"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [{"loc": ["query", "sector"], "type": "value_error",
                                        "msg": "unknown sector code(s): XX-9"}]
    answer = client.get("/needs", params={"jurisdiction": "XX"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "jurisdiction"]


# --- /search pages -----------------------------------------------------------------------

def test_search_pages_follow_one_ranking_with_a_next_link(client: TestClient):
    for n in range(5):
        client.post("/dossiers", json=dossier_payload(title=f"Heat pump fruit dryer model {n}"))
    whole = client.get("/search", params={"q": "heat pump fruit dryer", "limit": 5}).json()
    ranking = [m["id"] for m in whole["data"]]
    assert len(ranking) == 5
    first = client.get("/search", params={"q": "heat pump fruit dryer", "limit": 2})
    assert first.json()["count"] == 2
    seen = [m["id"] for m in first.json()["data"]]
    link = first.headers["link"]
    while link:
        assert link.endswith('>; rel="next"')
        page = client.get(link[1:link.index(">")])
        seen += [m["id"] for m in page.json()["data"]]
        link = page.headers.get("link")
    assert seen == ranking
    last = client.get("/search", params={"q": "heat pump fruit dryer", "limit": 2, "skip": 4})
    assert len(last.json()["data"]) == 1 and "link" not in last.headers


def test_search_skip_beyond_the_bound_is_422(client: TestClient):
    answer = client.get("/search", params={"q": "heat pump", "skip": 901})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "skip"]
