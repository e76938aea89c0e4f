"""`GET /search` and the match lists of needs and dossiers: bounded answers to repeated filters,
and an honest answer to a text that holds no words at all."""

import pytest
from fastapi.testclient import TestClient

from matcher.models.limits import MAX_CODES
from tests.factories import dossier_payload, enterprise_payload, need_payload

NO_WORDS = ("no words to search for: the text holds only punctuation, spaces or invisible "
            "characters")


@pytest.fixture
def dossiers(client: TestClient) -> list[int]:
    """Two dossiers in the index: a fruit dryer (VN-04) and a drone (VN-01)."""
    return [client.post("/dossiers", json=body).json()["id"] for body in (
        dossier_payload(),
        dossier_payload(title="Wind turbine blade inspection drone", summary="Drone inspection.",
                        description="Autonomous drones inspect wind turbine blades.",
                        sector_codes=["VN-01"], keywords=["drone", "wind"]))]


def test_a_repeated_sector_is_searched_and_explained_once(client: TestClient,
                                                          dossiers: list[int]):
    response = client.get("/search", params={"q": "heat pump fruit dryer",
                                             "sector": ["VN-04"] * MAX_CODES})
    assert response.status_code == 200, response.text
    found = response.json()["data"]
    assert [m["id"] for m in found] == dossiers[:1]
    assert found[0]["explanation"].count("VN-04") == 1, found[0]["explanation"]


def test_more_sectors_than_the_limit_is_422_naming_the_parameter(client: TestClient):
    response = client.get("/search", params={"q": "heat pump", "sector": ["VN-04"] * 1_000})
    assert response.status_code == 422, response.text[:300]
    errors = response.json()["detail"]
    assert [(e["loc"], e["msg"]) for e in errors] == [
        (["query", "sector"], f"List should have at most {MAX_CODES} items after validation, "
                              f"not 1000")]


@pytest.mark.parametrize("q", ["!!", "...", "\u200b\u200b", "   ", "?!\u200d\u2060 …", "🔥🔥"])
def test_a_query_without_words_is_not_confident_and_answers_nothing(client: TestClient,
                                                                    dossiers: list[int], q: str):
    response = client.get("/search", params={"q": q})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["confident"], body["confidence"], body["data"], body["count"],
            body["message"]) == (False, 0.0, [], 0, NO_WORDS)
    assert body["query"]["text"] == q


def test_a_query_of_few_real_words_still_finds(client: TestClient, dossiers: list[int]):
    body = client.get("/search", params={"q": "drone!!"}).json()
    assert body["data"] and body["data"][0]["id"] == dossiers[1]
    assert body["message"] != NO_WORDS


def test_a_need_without_words_gets_no_matches(client: TestClient, dossiers: list[int]):
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    need = client.post("/needs", json=need_payload(enterprise, title="", problem="???",
                                                   desired_result="")).json()["id"]
    body = client.get(f"/needs/{need}/matches").json()
    assert (body["confident"], body["data"], body["message"]) == (False, [], NO_WORDS)


def test_a_dossier_without_words_gets_no_matches(client: TestClient, dossiers: list[int]):
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    client.post("/needs", json=need_payload(enterprise))
    dossier = client.post("/dossiers", json=dossier_payload(
        title="...", summary="—", description="", advantages="", keywords=[])).json()["id"]
    body = client.get(f"/dossiers/{dossier}/matches").json()
    assert (body["confident"], body["data"], body["message"]) == (False, [], NO_WORDS)


@pytest.mark.parametrize("q", ["chúng tôi cần", "chung toi can", "the and of", "Xin chào!",
                               "1000", "a b c", "cần tìm giúp"])
def test_a_query_of_function_words_only_is_not_confident_and_answers_nothing(
        client: TestClient, dossiers: list[int], q: str):
    body = client.get("/search", params={"q": q}).json()
    assert (body["confident"], body["data"], body["count"]) == (False, [], 0)
    assert body["message"].startswith("no topic to search for"), body["message"]


@pytest.mark.parametrize("q", ["cơ khí", "co khi chinh xac", "PCB", "废水处理", "cần tìm máy sấy"])
def test_a_short_query_with_a_topic_is_searched(client: TestClient, dossiers: list[int], q: str):
    body = client.get("/search", params={"q": q}).json()
    assert not (body["message"] or "").startswith(("no topic", "no words")), body["message"]
    assert body["count"] > 0
