"""Lists in request bodies are bounded and stored without repeats: every array field of every
JSON request body the app documents has a `maxItems`, one item more is a 422 naming the field,
and a code or slot number given twice is kept once, where it first appears.

The fields are read from the app's OpenAPI schema, so a list field added later is covered.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_big_numbers import OPENAPI, SCHEMAS, _url
from tests.factories import dossier_payload, enterprise_payload, need_payload
from tests.matcher.events.world import event_payload


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema behind a `$ref`, and the non-null option of an `anyOf`."""
    while True:
        if "$ref" in schema:
            schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in schema:
            schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        else:
            return schema


def _example(schema: dict[str, Any]) -> Any:
    """A small value valid for `schema` (required properties only)."""
    schema = _resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: _example(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-01"
    return "x" * max(schema.get("minLength", 0), 2)


def _arrays(schema: dict[str, Any], loc: tuple[Any, ...] = (),
            seen: tuple[str, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(location, schema) of every array inside `schema`; nested in arrays at index 0."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _arrays(SCHEMAS[name], loc, (*seen, name))
        return
    for option in schema.get("anyOf", []):
        yield from _arrays(option, loc, seen)
    if schema.get("type") == "object":
        for name, field in schema.get("properties", {}).items():
            yield from _arrays(field, (*loc, name), seen)
    elif schema.get("type") == "array":
        yield loc, schema
        yield from _arrays(schema.get("items", {}), (*loc, 0), seen)


LISTS = [(method.upper(), path, loc, schema)
         for path, operations in OPENAPI["paths"].items()
         for method, operation in operations.items()
         if "application/json" in operation.get("requestBody", {}).get("content", {})
         for loc, schema in _arrays(
             operation["requestBody"]["content"]["application/json"]["schema"])]
NAMES = [f"{m} {p} {'.'.join(map(str, loc))}" for m, p, loc, _ in LISTS]


def _body(loc: tuple[Any, ...], value: Any) -> Any:
    for step in reversed(loc):
        value = [value] if isinstance(step, int) else {step: value}
    return value


def test_the_schema_walk_finds_the_list_fields():
    located = {(m, p, loc) for m, p, loc, _ in LISTS}
    for expected in [("POST", "/dossiers", ("keywords",)),
                     ("PATCH", "/needs/{need_id}", ("preferred_countries",)),
                     ("POST", "/events", ("slot_starts",)),
                     ("POST", "/ledger/plans", ("periods", 0, "targets"))]:
        assert expected in located
    assert len(LISTS) > 15


def test_every_list_field_documents_a_maximum():
    assert [name for name, (_, _, _, s) in zip(NAMES, LISTS, strict=True)
            if "maxItems" not in s] == []


@pytest.mark.parametrize(("method", "path", "loc", "schema"), LISTS, ids=NAMES)
def test_one_item_beyond_the_maximum_is_422_naming_the_field(
        client: TestClient, method: str, path: str, loc: tuple[Any, ...],
        schema: dict[str, Any]):
    items = [_example(schema["items"])] * (schema.get("maxItems", 10_000) + 1)
    response = client.request(method, _url(path), json=_body(loc, items))
    assert response.status_code == 422, response.text[:300]
    errors = [e["type"] for e in response.json()["detail"] if e["loc"] == ["body", *loc]]
    assert errors == ["too_long"], response.text[:300]


def test_repeated_codes_are_stored_once_in_first_order(client: TestClient):
    dossier = client.post("/dossiers", json=dossier_payload(
        sector_codes=["VN-04", "VN-01", "VN-04"], keywords=["dryer", "fruit", "dryer"],
        transfer_modes=["turnkey", "licence", "turnkey"])).json()
    assert (dossier["sector_codes"], dossier["keywords"], dossier["transfer_modes"]) == (
        ["VN-04", "VN-01"], ["dryer", "fruit"], ["turnkey", "licence"])
    enterprise = client.post("/enterprises", json=enterprise_payload()).json()["id"]
    need = client.post("/needs", json=need_payload(
        enterprise, preferred_countries=["kr", "DE", "KR"],
        preferred_modes=["licence", "licence"])).json()
    assert (need["preferred_countries"], need["preferred_modes"]) == (["KR", "DE"], ["licence"])
    changed = client.patch(f"/needs/{need['id']}", json={"sector_codes": ["BG-d", "BG-d"]})
    assert changed.json()["sector_codes"] == ["BG-d"]
    event = client.post("/events", json=event_payload()).json()["id"]
    person = client.post(f"/events/{event}/participants", json={
        "ref": "S1", "kind": "supplier", "name": "Supplier", "dossier_id": dossier["id"],
        "available_slots": [2, 1, 2]}).json()
    assert person["available_slots"] == [2, 1]
