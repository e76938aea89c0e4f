"""Bad input: each rejected request answers 4xx naming the field, and writes nothing at all."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import SQLModel, select

from matcher.platform.runtime import Runtime
from tests.factories import dossier_payload, enterprise_payload, need_payload

NUL = "must not contain NUL characters (\\u0000)"
SURROGATE = "Input should be a valid string, unable to parse raw data as a unicode string"
MODES = ("commercial_agreement, consulting_training, equipment_with_know_how, joint_venture, "
         "licence, rd_cooperation, turnkey")
MODE_ENUM = ("Input should be 'licence', 'equipment_with_know_how', 'turnkey', 'joint_venture', "
             "'rd_cooperation', 'consulting_training' or 'commercial_agreement'")
HUGE = 2**70  # beyond any database integer


@pytest.fixture
def ids(client: TestClient) -> dict[str, int]:
    """One enterprise, dossier and need, by collection name."""
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    dossier = client.post("/dossiers", json=dossier_payload()).json()["id"]
    need = client.post("/needs", json=need_payload(enterprise)).json()["id"]
    return {"enterprises": enterprise, "dossiers": dossier, "needs": need}


def snapshot(runtime: Runtime) -> dict[str, Any]:
    """Every row of every table (in key order), and the documents of both search indexes;
    not the rate-limit hits, which count every write attempted, refused or not."""
    with runtime.engine.connect() as connection:
        state: dict[str, Any] = {
            table.name: connection.execute(
                select(table).order_by(*table.primary_key.columns)).all()
            for table in SQLModel.metadata.sorted_tables if table.name != "ratelimithit"}
    for name, collection in (("dossiers", runtime.index.dossiers),
                             ("needs", runtime.index.needs)):
        state[f"index:{name}"] = {i: doc.text for i, doc in collection.docs.items()}
    return state


def rejected(client: TestClient, runtime: Runtime, method: str, url: str, status: int,
             **kwargs: Any) -> Response:
    """Send a request that must be refused with `status`; nothing may have changed."""
    before = snapshot(runtime)
    response = client.request(method, url, **kwargs)
    assert response.status_code == status, response.text
    assert snapshot(runtime) == before, "a rejected request changed the database or index"
    return response


def error_at(response: Response, loc: list[Any]) -> dict[str, Any]:
    """The error of a 422 answer located at `loc`."""
    errors = response.json()["detail"]
    found = [e for e in errors if e["loc"] == loc]
    assert found, f"no error at {loc}: {errors}"
    return found[0]


def body_for(resource: str, ids: dict[str, int], method: str, **fields: Any) -> dict[str, Any]:
    """A valid create payload with `fields` changed (POST), or just `fields` (PATCH)."""
    if method == "PATCH":
        return fields
    if resource == "dossiers":
        return dossier_payload(**fields)
    if resource == "enterprises":
        return enterprise_payload(**fields)
    return {**need_payload(ids["enterprises"]), **fields}


def send_json(client: TestClient, runtime: Runtime, ids: dict[str, int], method: str,
              resource: str, fields: dict[str, Any], status: int = 422) -> Response:
    """Send `fields` to the collection (POST) or to its record (PATCH) as JSON text; escapes
    keep NUL and lone surrogates intact on the way."""
    url = f"/{resource}" if method == "POST" else f"/{resource}/{ids[resource]}"
    content = json.dumps(body_for(resource, ids, method, **fields))
    return rejected(client, runtime, method, url, status, content=content,
                    headers={"Content-Type": "application/json"})


# (method, resource, field, value, message); the error must be at ["body", field].
TEXT_CASES = [
    ("POST", "dossiers", "title", "Heat-pump\u0000 dryer", NUL),
    ("POST", "dossiers", "keywords", ["heat pump", "fruit\u0000"], NUL),
    ("POST", "enterprises", "name", "Công ty\u0000 Lục Ngạn", NUL),
    ("POST", "needs", "problem", "Vải thiều sấy\u0000 bị thâm", NUL),
    ("PATCH", "dossiers", "summary", "Closed-loop\u0000 drying", NUL),
    ("PATCH", "enterprises", "district", "Lục\u0000 Ngạn", NUL),
    ("PATCH", "needs", "problem", "Vải thiều sấy\u0000 bị thâm", NUL),
    ("POST", "needs", "desired_result", "Giữ màu \ud800", SURROGATE),
    ("PATCH", "dossiers", "description", "Half a pair \udfff", SURROGATE),
    ("POST", "dossiers", "title", "x" * 301, "String should have at most 300 characters"),
    ("POST", "enterprises", "name", "x" * 301, "String should have at most 300 characters"),
    ("POST", "needs", "problem", "x" * 10_001, "String should have at most 10000 characters"),
    ("PATCH", "dossiers", "description", "x" * 20_001,
     "String should have at most 20000 characters"),
    ("PATCH", "dossiers", "supplier_org", "x" * 301, "String should have at most 300 characters"),
    ("PATCH", "enterprises", "province", "x" * 101, "String should have at most 100 characters"),
    ("PATCH", "needs", "problem", "x" * 10_001, "String should have at most 10000 characters"),
]


@pytest.mark.parametrize(("method", "resource", "field", "value", "message"), TEXT_CASES,
                         ids=[f"{m} {r} {f} {msg[:24]}" for m, r, f, _, msg in TEXT_CASES])
def test_bad_text_is_422_naming_the_field(client: TestClient, runtime: Runtime,
                                          ids: dict[str, int], method: str, resource: str,
                                          field: str, value: Any, message: str):
    response = send_json(client, runtime, ids, method, resource, {field: value})
    assert message in error_at(response, ["body", field])["msg"]


WRONG_TYPES = [
    ("POST", "dossiers", "trl", "eight",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("POST", "dossiers", "title", ["Heat-pump", "dryer"], "Input should be a valid string"),
    ("POST", "enterprises", "employees", [35], "Input should be a valid integer"),
    ("POST", "needs", "budget_max_vnd", "lots",
     "Input should be a valid number, unable to parse string as a number"),
    ("POST", "needs", "enterprise_id", "Lục Ngạn",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("PATCH", "dossiers", "keywords", "heat pump", "Input should be a valid list"),
    ("PATCH", "enterprises", "engineers", "two",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("PATCH", "needs", "timeline_months", "soon",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("PATCH", "needs", "title", {"vi": "Sấy vải"}, "Input should be a valid string"),
]


UNKNOWN_CODES = [
    ("POST", "dossiers", "sector_codes", ["VN-04", "XX-9"], "unknown sector code(s): XX-9"),
    ("POST", "needs", "sector_codes", ["XX-9"], "unknown sector code(s): XX-9"),
    ("POST", "enterprises", "main_sector", "XX-9", "unknown sector code(s): XX-9"),
    ("PATCH", "dossiers", "sector_codes", ["XX-9"], "unknown sector code(s): XX-9"),
    ("PATCH", "needs", "sector_codes", ["XX-9"], "unknown sector code(s): XX-9"),
    ("PATCH", "enterprises", "main_sector", "XX-9", "unknown sector code(s): XX-9"),
    ("POST", "dossiers", "origin_country", "ZZ",
     "Value error, 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ("POST", "needs", "preferred_countries", ["KR", "ZZ"],
     "Value error, 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ("PATCH", "dossiers", "origin_country", "ZZ",
     "Value error, 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ("PATCH", "needs", "preferred_countries", ["ZZ"],
     "Value error, 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ("POST", "dossiers", "transfer_modes", ["barter"],
     f"Value error, unknown transfer mode 'barter': use one of {MODES}"),
    ("POST", "needs", "preferred_modes", ["licence", "barter"],
     f"Value error, unknown transfer mode 'barter': use one of {MODES}"),
    ("PATCH", "dossiers", "transfer_modes", ["barter"],
     f"Value error, unknown transfer mode 'barter': use one of {MODES}"),
    ("PATCH", "needs", "preferred_modes", ["barter"],
     f"Value error, unknown transfer mode 'barter': use one of {MODES}"),
    ("POST", "enterprises", "jurisdiction", "ZZ", "unknown jurisdiction 'ZZ'"),
    ("PATCH", "enterprises", "jurisdiction", "ZZ", "unknown jurisdiction 'ZZ'"),
    ("POST", "dossiers", "currency", "ZZZ", "Value error, 'ZZZ' is not an ISO 4217 currency code"),
]


@pytest.mark.parametrize(("method", "resource", "field", "value", "message"),
                         WRONG_TYPES + UNKNOWN_CODES,
                         ids=[f"{m} {r} {f}" for m, r, f, _, _ in WRONG_TYPES + UNKNOWN_CODES])
def test_wrong_type_or_unknown_code_is_422_naming_the_field(
        client: TestClient, runtime: Runtime, ids: dict[str, int], method: str, resource: str,
        field: str, value: Any, message: str):
    response = send_json(client, runtime, ids, method, resource, {field: value})
    assert error_at(response, ["body", field])["msg"] == message


@pytest.mark.parametrize(("resource", "field"), [
    ("dossiers", "title"), ("enterprises", "name"), ("enterprises", "employees"),
    ("needs", "problem")])
def test_null_for_a_required_field_is_422_naming_it(client: TestClient, runtime: Runtime,
                                                    ids: dict[str, int], resource: str,
                                                    field: str):
    response = send_json(client, runtime, ids, "PATCH", resource, {field: None})
    assert error_at(response, ["body", field])["msg"].startswith("Input should be a valid ")


QUERIES = [
    ("/dossiers", {"status": "bogus"}, "status",
     "Input should be 'draft', 'active', 'expired', 'withdrawn' or 'merged'"),
    ("/needs", {"status": "bogus"}, "status",
     "Input should be 'open', 'matched', 'closed' or 'withdrawn'"),
    ("/dossiers", {"limit": 0}, "limit", "Input should be greater than or equal to 1"),
    ("/enterprises", {"skip": "first"}, "skip",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("/search", {"q": "heat pump", "min_trl": "ten"}, "min_trl",
     "Input should be a valid integer, unable to parse string as an integer"),
    ("/search", {"q": "heat pump", "transfer_mode": "barter"}, "transfer_mode", MODE_ENUM),
    ("/introductions", {"enterprise_id": HUGE}, "enterprise_id",
     "Input should be less than or equal to 9223372036854775807"),
    ("/search", {"q": "heat pump", "origin_country": "XX"}, "origin_country",
     "Value error, 'XX' is not an ISO 3166-1 alpha-2 country code"),
    ("/search", {"q": "heat pump", "jurisdiction": "ZZ"}, "jurisdiction",
     "unknown jurisdiction 'ZZ'"),
    ("/enterprises", {"jurisdiction": "ZZ"}, "jurisdiction", "unknown jurisdiction 'ZZ'"),
    ("/ledger/transfers", {"jurisdiction": "ZZ"}, "jurisdiction", "unknown jurisdiction 'ZZ'"),
    ("/ledger/trainings", {"jurisdiction": "ZZ"}, "jurisdiction", "unknown jurisdiction 'ZZ'"),
    ("/ledger/fdi-projects", {"jurisdiction": "ZZ"}, "jurisdiction",
     "unknown jurisdiction 'ZZ'"),
]


@pytest.mark.parametrize(("url", "params", "field", "message"), QUERIES,
                         ids=[f"{u} {f}" for u, _, f, _ in QUERIES])
def test_bad_query_value_is_422_naming_the_parameter(client: TestClient, url: str,
                                                     params: dict[str, Any], field: str,
                                                     message: str):
    response = client.get(url, params=params)
    assert response.status_code == 422, response.text
    assert error_at(response, ["query", field])["msg"] == message


@pytest.mark.parametrize(("field", "value", "message"), [
    ("transfer_mode", "barter", MODE_ENUM),
    ("origin_country", "XX", "Value error, 'XX' is not an ISO 3166-1 alpha-2 country code"),
])
def test_bad_filter_on_need_matches_is_422(client: TestClient, ids: dict[str, int], field: str,
                                           value: str, message: str):
    response = client.get(f"/needs/{ids['needs']}/matches", params={field: value})
    assert response.status_code == 422, response.text
    assert error_at(response, ["query", field])["msg"] == message


def test_known_filter_codes_still_filter(client: TestClient):
    """A lower-case country code is accepted (upper-cased) and filters; a known jurisdiction
    answers 200."""
    german = client.post("/dossiers", json=dossier_payload(origin_country="DE")).json()["id"]
    client.post("/dossiers", json=dossier_payload(origin_country="KR"))
    response = client.get("/search", params={"q": "heat pump dryer", "origin_country": "de"})
    assert response.status_code == 200, response.text
    assert [m["id"] for m in response.json()["data"]] == [german]
    assert client.get("/search", params={"q": "heat pump", "jurisdiction": "BG"}).status_code \
        == 200


def test_id_beyond_64_bits_is_a_404_or_422_not_a_server_error(client: TestClient,
                                                              runtime: Runtime,
                                                              ids: dict[str, int]):
    assert client.get(f"/dossiers/{HUGE}").json() == {"detail": f"Dossier {HUGE} not found"}
    response = rejected(client, runtime, "POST", "/introductions/from-match", 422,
                        json={"need_id": HUGE, "dossier_id": ids["dossiers"]})
    assert error_at(response, ["body", "need_id"])["msg"] == \
        "Input should be less than or equal to 9223372036854775807"


def test_delete_of_a_dossier_others_refer_to_is_409(client: TestClient, runtime: Runtime,
                                                    ids: dict[str, int]):
    assert client.post("/introductions", json={
        "dossier_id": ids["dossiers"], "enterprise_id": ids["enterprises"]}).status_code == 201
    response = rejected(client, runtime, "DELETE", f"/dossiers/{ids['dossiers']}", 409)
    assert response.json() == {"detail": f"dossier {ids['dossiers']} conflicts with an existing "
                                         f"record (other records still refer to it)"}


def test_body_over_the_limit_is_413(client: TestClient, runtime: Runtime):
    limit = runtime.settings.max_body_bytes
    body = json.dumps(dossier_payload(description="x" * limit))
    assert len(body.encode()) > limit
    response = rejected(client, runtime, "POST", "/dossiers", 413, content=body,
                        headers={"Content-Type": "application/json"})
    assert "Content Too Large" in response.text


def test_invalid_utf8_body_is_400_not_a_server_error(client: TestClient, runtime: Runtime):
    body = b'{"title": "S\xe1y v\xe1i", "origin_country": "KR"}'
    response = rejected(client, runtime, "POST", "/dossiers", 400, content=body,
                        headers={"Content-Type": "application/json"})
    assert response.json() == {"detail": "There was an error parsing the body"}


def test_body_that_is_not_json_is_422(client: TestClient, runtime: Runtime):
    response = rejected(client, runtime, "POST", "/needs", 422, content=b'{"problem": ',
                        headers={"Content-Type": "application/json"})
    assert response.json()["detail"][0]["type"] == "json_invalid"
