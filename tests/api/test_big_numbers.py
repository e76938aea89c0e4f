"""Numbers too big for any column or any real record: every integer and number field of every
JSON request body the app documents answers 422 naming the field, never a server error.

The fields are read from the app's OpenAPI schema (not listed by hand), so a field added later
is covered without touching this file.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.factories import dossier_payload, enterprise_payload, need_payload
from tests.matcher.events.world import event_payload

BIG = (2**63, 10**30)  # one past the largest column integer, and far beyond

OPENAPI = create_app().openapi()
SCHEMAS = OPENAPI["components"]["schemas"]


def _numbers(schema: dict[str, Any], loc: tuple[Any, ...] = (),
             seen: tuple[str, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(location in the body, schema) of every integer or number inside `schema`; an array's
    item is located at index 0."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _numbers(SCHEMAS[name], loc, (*seen, name))
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _numbers(option, loc, seen)
    kind = schema.get("type")
    if kind in ("integer", "number"):
        yield loc, schema
    elif kind == "object":
        for name, field in schema.get("properties", {}).items():
            yield from _numbers(field, (*loc, name), seen)
    elif kind == "array":
        yield from _numbers(schema.get("items", {}), (*loc, 0), seen)


def _fields() -> list[tuple[str, str, tuple[Any, ...], str]]:
    """(method, path, location, type) of every number field of every JSON request body."""
    found = []
    for path, operations in OPENAPI["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for loc, schema in _numbers(content["application/json"]["schema"]):
                    found.append((method.upper(), path, loc, schema["type"]))
    return found


FIELDS = _fields()
IDS = [(m, p, loc) for m, p, loc, _ in FIELDS if isinstance(loc[-1], str) and
       loc[-1].endswith("_id")]


def _body(loc: tuple[Any, ...], value: Any) -> Any:
    """A body holding `value` at `loc` and nothing else (e.g. {"periods": [{"targets": ...}]})."""
    for step in reversed(loc):
        value = [value] if isinstance(step, int) else {step: value}
    return value


def _url(path: str) -> str:
    """The path with every path parameter set to 1 (the body is refused before any lookup)."""
    return "/".join("1" if part.startswith("{") else part for part in path.split("/"))


def _errors_at(client: TestClient, method: str, path: str, loc: tuple[Any, ...],
               value: Any) -> list[dict[str, Any]]:
    response = client.request(method, _url(path), json=_body(loc, value))
    assert response.status_code == 422, response.text
    return [e for e in response.json()["detail"] if e["loc"] == ["body", *loc]]


def test_the_schema_walk_finds_the_number_fields():
    located = {(m, p, loc) for m, p, loc, _ in FIELDS}
    for expected in [("POST", "/enterprises", ("employees",)),
                     ("PATCH", "/needs/{need_id}", ("budget_max_vnd",)),
                     ("POST", "/ledger/plans", ("periods", 0, "targets", 0, "value")),
                     ("POST", "/events/{event_id}/participants", ("available_slots", 0)),
                     ("POST", "/introductions/from-match", ("need_id",))]:
        assert expected in located
    assert len(FIELDS) > 50 and len(IDS) > 15


def test_every_number_field_documents_a_maximum():
    unbounded = [f"{m} {p} {'.'.join(map(str, loc))}" for m, p, loc, _ in FIELDS
                 if _maximum(m, p, loc) is None]
    assert unbounded == []


def _maximum(method: str, path: str, loc: tuple[Any, ...]) -> float | None:
    schema = OPENAPI["paths"][path][method.lower()]["requestBody"]["content"]
    return next(s.get("maximum") for found, s in _numbers(schema["application/json"]["schema"])
                if found == loc)


@pytest.mark.parametrize(("method", "path", "loc", "kind"), FIELDS,
                         ids=[f"{m} {p} {'.'.join(map(str, loc))}" for m, p, loc, _ in FIELDS])
def test_a_huge_number_is_422_naming_the_field(client: TestClient, method: str, path: str,
                                                loc: tuple[Any, ...], kind: str):
    for value in BIG:
        errors = _errors_at(client, method, path, loc, value)
        assert [e["type"] for e in errors] == ["less_than_equal"], (value, errors)


NUMBERS = [(m, p, loc) for m, p, loc, kind in FIELDS if kind == "number"]


@pytest.mark.parametrize(("method", "path", "loc"), NUMBERS,
                         ids=[f"{m} {p} {'.'.join(map(str, loc))}" for m, p, loc in NUMBERS])
def test_infinity_and_nan_are_422_naming_the_field(client: TestClient, method: str, path: str,
                                                   loc: tuple[Any, ...]):
    """Python's JSON parser reads `Infinity` and `NaN`; neither is an amount."""
    for word in ("Infinity", "NaN"):
        content = json.dumps(_body(loc, 0)).replace("0", word)
        response = client.request(method, _url(path), content=content,
                                  headers={"Content-Type": "application/json"})
        assert response.status_code == 422, response.text
        assert [e["type"] for e in response.json()["detail"]
                if e["loc"] == ["body", *loc]] == ["less_than_equal"], (word, response.text)


@pytest.mark.parametrize(("method", "path", "loc"), IDS,
                         ids=[f"{m} {p} {'.'.join(map(str, loc))}" for m, p, loc in IDS])
def test_an_id_below_1_is_422_naming_the_field(client: TestClient, method: str, path: str,
                                               loc: tuple[Any, ...]):
    for value in (0, -(2**63) - 1):
        errors = _errors_at(client, method, path, loc, value)
        assert [e["type"] for e in errors] == ["greater_than_equal"], (value, errors)


def _setup(client: TestClient) -> dict[str, int]:
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    dossier = client.post("/dossiers", json=dossier_payload()).json()["id"]
    event = client.post("/events", json=event_payload()).json()["id"]
    return {"enterprise": enterprise, "dossier": dossier, "event": event}


# Complete, otherwise valid bodies with one huge number: these reached the database before.
WHOLE = [
    ("/enterprises", lambda ids: enterprise_payload(employees=2**63), ["employees"]),
    ("/enterprises", lambda ids: enterprise_payload(rd_staff=2**63), ["rd_staff"]),
    ("/dossiers", lambda ids: dossier_payload(req_engineers=2**63), ["req_engineers"]),
    ("/needs", lambda ids: need_payload(2**63), ["enterprise_id"]),
    ("/introductions", lambda ids: {"dossier_id": ids["dossier"], "enterprise_id": 2**63},
     ["enterprise_id"]),
    ("/events/{event}/participants",
     lambda ids: {"ref": "S1", "kind": "supplier", "name": "Supplier", "dossier_id": ids["dossier"],
                  "available_slots": [1, 2**63]}, ["available_slots", 1]),
    ("/events/{event}/participants",
     lambda ids: {"ref": "S2", "kind": "supplier", "name": "Supplier", "dossier_id": 2**63},
     ["dossier_id"]),
]


@pytest.mark.parametrize(("url", "body", "loc"), WHOLE, ids=[u + " " + ".".join(map(str, loc))
                                                              for u, _, loc in WHOLE])
def test_a_valid_body_with_one_huge_number_is_422_not_a_server_error(client: TestClient,
                                                                    url: str, body, loc):
    ids = _setup(client)
    response = client.post(url.format(**ids), json=body(ids))
    assert response.status_code == 422, response.text
    assert any(e["loc"] == ["body", *loc] for e in response.json()["detail"]), response.text
