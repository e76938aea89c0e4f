"""The access policy on every path, generated from the app's own OpenAPI schema, so that a new
route, filter or body field is covered without writing a test:

1. **Hidden reads as missing.** Every path id, list filter and body field (and import column)
   that names another record is sent once with a record the caller may not see and once with
   one that does not exist, for every role: the two answers must be the same, status and text,
   and neither may succeed. Each such field must also answer a visible record differently, so
   the check is alive (a field answered 422 for an unrelated reason would fail here).
2. **Nothing hidden leaks into any read.** Every GET route in every format it offers (JSON,
   CSV, ICS, HTML, XLSX) is read by every role, and the answer must not hold the canary words
   of needs hidden from that role (in their texts, introductions and transfers), nor, for
   organisers, the identity of the enterprise behind a need (name with or without diacritics,
   tax code in any spacing, e-mail, phone, or its id).
"""

import csv
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, get_args

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.access import RULES
from matcher.auth.anonymise import fold
from matcher.auth.models import Role
from matcher.events.importer import FIELDS as IMPORT_COLUMNS
from tests.api.conftest import World
from tests.api.test_access_matrix import _api_routes
from tests.factories import need_payload, tax_code
from tests.matcher.events.world import event_payload

REFERENCE = re.compile(r"(_id|_ref|_tax_code)$")
# Reference-looking names that name no other record the policy could hide; a notification and a
# saved search belong to their recipient or owner alone (no role sees another's), and their own
# tests hold another's to the missing one's 404 (tests/api/test_notifications.py).
NOT_REFERENCES = {"source_ref", "record_id", "notification_id", "search_id"}
KIND = {
    "need_id": "need", "need_ref": "need_ref", "enterprise_id": "enterprise",
    "local_enterprise_id": "enterprise", "enterprise_tax_code": "tax_code",
    "introduction_id": "introduction", "dossier_id": "dossier", "dossier_ref": "dossier_ref",
    "intermediary_id": "intermediary", "organiser_id": "intermediary", "event_id": "event",
    "plan_id": "plan", "participant_id": "participant", "requester_id": "participant",
    "target_id": "participant", "supplier_participant_id": "participant",
    "enterprise_participant_id": "participant", "meeting_id": "meeting", "request_id": "request",
    "finding_id": "finding",
}
IN_EVENT = {"participant", "meeting", "request"}  # hidden: a member of another event
MISSING_ID, MISSING_REF = 10**9, "khong-co-ma-nay"
ROLES = (Role.intermediary, Role.organiser, Role.enterprise, Role.admin)


# --- the world as each role sees it ------------------------------------------------------------

class Fixture:
    """The world's records by kind: the visible value of each field, the values hidden from
    each role, and a missing one."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client, self.world, r = client, world, world.records
        admin = {"X-API-Key": world.keys[Role.admin]}
        self.ref = {n: client.get(f"/needs/{n}", headers=admin).json()["ref"]
                    for n in (world.bg_public, world.hp_public, world.hp_confidential,
                              world.bg_confidential, r["bg_brokers"])}
        self.tax = {e: client.get(f"/enterprises/{e}", headers=admin).json()["tax_code"]
                    for e in (world.bg_enterprise, world.hp_enterprise)}
        dossier_ref = client.get(f"/dossiers/{world.dossier}", headers=admin).json()["ref"]
        plan = client.get("/ledger/plans", headers=admin).json()["data"][0]["id"]
        self.visible_values = {
            "need": world.bg_public, "need_ref": self.ref[world.bg_public],
            "enterprise": world.bg_enterprise, "tax_code": self.tax[world.bg_enterprise],
            "introduction": r["intro_bg_public"], "dossier": world.dossier,
            "dossier_ref": dossier_ref, "intermediary": r["intermediary_bg"],
            "event": r["bg_event"], "plan": plan, "meeting": r["meeting_bg_public"],
            "request": r["request"], "finding": r["finding"],
        }
        self.participants = {"requester_id": r["participant_bg_public"],
                             "enterprise_participant_id": r["participant_bg_public"]}
        hidden_needs = {
            Role.intermediary: [world.hp_confidential],
            Role.organiser: [world.bg_confidential, r["bg_brokers"], world.hp_confidential],
            Role.enterprise: [world.hp_public, world.hp_confidential],
            Role.admin: [],
        }
        name = {world.bg_public: "bg_public", world.hp_public: "hp_public",
                world.bg_confidential: "bg_confidential", r["bg_brokers"]: "bg_brokers",
                world.hp_confidential: "hp_confidential"}
        self.hidden_values: dict[Role, dict[str, list]] = {
            role: {"need": needs, "need_ref": [self.ref[n] for n in needs],
                   "introduction": [r[f"intro_{name[n]}"] for n in needs]}
            for role, needs in hidden_needs.items()}
        prohibited_ref = client.get(f"/dossiers/{r['prohibited']}", headers=admin).json()["ref"]
        for role in (Role.intermediary, Role.organiser, Role.enterprise):  # prohibited
            self.hidden_values[role] |= {"dossier": [r["prohibited"]],
                                         "dossier_ref": [prohibited_ref]}
        self.hidden_values[Role.enterprise] |= {"enterprise": [world.hp_enterprise],
                                                "tax_code": [self.tax[world.hp_enterprise]]}
        # refs are not shown in an anonymised view: no need ref is visible to organisers
        self.hidden_values[Role.organiser]["need_ref"].append(self.ref[world.bg_public])
        self.no_visible = {(Role.organiser, "need_ref")}
        self.missing_values = {"tax_code": tax_code("27"), "need_ref": MISSING_REF,
                               "dossier_ref": MISSING_REF}
        # records of one owner (NOT_REFERENCES): the BG brokers' saved search, read by all
        broker = {"X-API-Key": world.keys[Role.intermediary]}
        search = client.post("/saved-searches", headers=broker,
                             json={"name": "Sấy", "query": "sấy vải thiều"}).json()["id"]
        self.owned = {"search_id": search, "notification_id": MISSING_ID}

    def visible(self, field: str) -> Any:
        if field in self.owned:
            return self.owned[field]
        if KIND[field] == "participant":
            return self.participants.get(field, self.world.records["supplier"])
        return self.visible_values[KIND[field]]

    def hidden(self, role: Role, field: str) -> list:
        if KIND[field] in IN_EVENT:  # a member of the BG event, asked for in the HP event
            return [self.visible(field)] if role is Role.admin else []
        return self.hidden_values[role].get(KIND[field], [])

    def missing(self, field: str) -> Any:
        return self.missing_values.get(KIND[field], MISSING_ID)


@pytest.fixture(scope="module")
def fixture(access_world) -> Fixture:
    client, world, _ = access_world
    return Fixture(client, world)


# --- bodies: a valid request per write route, into which one field is put ----------------------

SERIAL = itertools.count(1)
# A field given instead of another: the other is left out when the first is varied.
ALTERNATIVES = {"enterprise_tax_code": "enterprise_id", "need_ref": "need_id",
                "dossier_ref": "dossier_id"}


def _participant(fix: Fixture, field: str | None) -> dict:
    link = "dossier_id" if field and field.startswith("dossier") else "need_id"
    return {"ref": f"P-{next(SERIAL)}", "kind": "supplier" if link == "dossier_id"
            else "enterprise", "name": "Khách mời", link: fix.visible(link)}


# A valid body for each write route, given the field that a case varies (None: none).
EXAMPLES: dict[str, Callable[[Fixture, str | None], dict]] = {
    "create_need": lambda fix, _: need_payload(fix.world.bg_enterprise),
    "create_introduction": lambda fix, _: {
        "dossier_id": fix.world.dossier, "enterprise_id": fix.world.bg_enterprise,
        "channel": "direct"},
    "create_introduction_from_match": lambda fix, _: {
        "need_id": fix.world.bg_public, "dossier_id": fix.world.dossier},
    "create_participant": _participant,
    "import_participants_file": _participant,
    "create_request": lambda fix, _: {
        "requester_id": fix.world.records["participant_bg_public"],
        "target_id": fix.world.records["supplier"]},
    "create_meeting": lambda fix, _: {
        "supplier_participant_id": fix.world.records["supplier"],
        "enterprise_participant_id": fix.world.records["participant_hp_public"], "slot": 5},
    "create_fdi_project": lambda fix, _: {
        "ref": f"FDI-{next(SERIAL)}", "name": "Nhà máy Hanbit", "investor_country": "KR",
        "jurisdiction": "BG", "year": 2026, "with_transfer": True},
    "create_training": lambda fix, _: {
        "ref": f"TR-{next(SERIAL)}", "course": "Đánh giá công nghệ", "jurisdiction": "BG",
        "held_on": "2026-03-01"},
    "create_event": lambda fix, _: event_payload(),
    "create_status_change": lambda fix, _: {"status": "interested"},
    "create_transfer": lambda fix, _: {"contract_date": date.today().isoformat(),
                                       "mode": "licence"},
    "record_outcome": lambda fix, _: {"status": "held", "rating": "cooperation_possible"},
    "record_meeting_follow_up": lambda fix, _: {"follow_up": "negotiation_started"},
    "answer_request": lambda fix, _: {"status": "accepted"},
    "create_person": lambda fix, _: {"name": "Nguyễn Văn A", "role": "broker"},
    "update_meeting": lambda fix, _: {"slot": 6},
    "decide_finding": lambda fix, _: {"status": "confirmed"},
    "merge_dossier": lambda fix, _: {"into": fix.world.dossier},
}


def request_body(fix: Fixture, route: APIRoute, field: str | None = None,
                 value: Any = None) -> dict:
    """The request's body (as keyword arguments of the client), valid but for `field`."""
    make = EXAMPLES.get(route.name)
    body = make(fix, field) if make else {}
    if field is not None:
        body.pop(ALTERNATIVES.get(field, ""), None)
        body[field] = value
    if route.name == "import_participants_file":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(body))
        writer.writeheader()
        writer.writerow(body)
        return {"files": {"file": ("participants.csv", out.getvalue().encode(), "text/csv")}}
    return {"json": body} if route.body_field is not None else {}


# --- the routes and their reference fields, from the schema ---------------------------------

def _operations(client: TestClient) -> Iterator[tuple[APIRoute, str, dict]]:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    by_path = {(r.path, m): r for r in _api_routes(client.app) for m in r.methods}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield by_path[(path, method.upper())], method.upper(), operation | {"spec": spec}


def _fields(operation: dict) -> list[tuple[str, str]]:
    """(where, name) of every parameter and body field (or import column) of an operation."""
    found = [(p["in"], p["name"]) for p in operation.get("parameters", [])]
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        if media == "multipart/form-data":
            found += [("body", c) for c in (*IMPORT_COLUMNS, "need_ref", "dossier_ref")]
            continue
        ref = content["schema"].get("$ref", "")
        schema = operation["spec"]["components"]["schemas"].get(ref.split("/")[-1], {})
        found += [("body", name) for name in schema.get("properties", {})]
    return found


def _references(client: TestClient) -> list[tuple[APIRoute, str, str, str]]:
    cases = []
    for route, method, operation in _operations(client):
        for where, name in _fields(operation):
            if REFERENCE.search(name) and name not in NOT_REFERENCES:
                cases.append((route, method, where, name))
    return cases


def test_every_reference_field_has_a_kind_and_an_example(access_world) -> None:
    """A new reference field or route must be placed in this matrix, or the matrix fails."""
    client, _, _ = access_world
    unknown = {name for _, _, _, name in _references(client) if name not in KIND}
    assert unknown == set(), "add these fields to KIND (or NOT_REFERENCES)"
    no_example = {route.name for route, _, where, _ in _references(client)
                  if where == "body" and route.name not in EXAMPLES}
    assert no_example == set(), "add a valid body to EXAMPLES for these routes"


def call(fix: Fixture, role: Role, route: APIRoute, method: str, where: str | None = None,
         field: str | None = None, value: Any = None, **ids: int) -> tuple[int, str]:
    """The answer to the route with `field` (in the path, query or body) set to `value` and
    path ids from `ids`, every other field valid; the value is masked in the text."""
    ids = {p: fix.visible(p) for p in re.findall(r"{(\w+)}", route.path)} | ids
    params = {}
    if where == "path":
        ids[field] = value  # type: ignore[index]
    elif where == "query":
        params[field] = value
    body = request_body(fix, route, *((field, value) if where == "body" else ()))
    response = fix.client.request(method, route.path.format(**ids), params=params,
                                  headers={"X-API-Key": fix.world.keys[role]}, **body)
    return response.status_code, response.text.replace(str(value), "<ref>")


def _matrix(client: TestClient) -> Iterator[tuple[Role, tuple]]:
    for case in _references(client):
        if case[3] in KIND:
            for role in ROLES:
                yield role, case


def test_a_hidden_record_answers_exactly_like_a_missing_one(fixture: Fixture) -> None:
    checked, failures, dead = 0, [], []
    for role, (route, method, where, field) in _matrix(fixture.client):
        hidden = fixture.hidden(role, field)
        if not hidden:
            continue
        event = {"event_id": fixture.world.records["hp_event"]} if KIND[field] in IN_EVENT \
            else {}
        missing = call(fixture, role, route, method, where, field, fixture.missing(field),
                       **event)
        if role not in RULES[route.name].roles:
            continue  # the role may not call the route at all (test_access_matrix)
        for value in hidden:
            answer = call(fixture, role, route, method, where, field, value, **event)
            checked += 1
            if answer != missing or answer[0] < 400:
                failures.append(f"{role} {method} {route.path} {where}.{field}={value}: "
                                f"{answer} ≠ missing {missing}")
        if (role, KIND[field]) in fixture.no_visible:
            continue
        visible = call(fixture, role, route, method, where, field, fixture.visible(field))
        if visible == missing and visible[0] != 403:  # 403: the field is refused to the role
            dead.append(f"{role} {method} {route.path} {where}.{field}: {visible}")
    assert failures == []
    assert dead == [], "the visible value answers like a missing one: the check is not alive"
    assert checked >= 45, checked


# --- canaries: nothing hidden in any read, any format ----------------------------------------

def _identity(fixture: Fixture) -> list[str]:
    """How the BG enterprise could be named in a need's text."""
    admin = {"X-API-Key": fixture.world.keys[Role.admin]}
    enterprise = fixture.client.get(f"/enterprises/{fixture.world.bg_enterprise}",
                                    headers=admin).json()
    return [fold(enterprise["name"]), enterprise["tax_code"], "lienhe@lucngan.vn",
            "0912345678"]


def _forbidden(fixture: Fixture, role: Role, route: APIRoute) -> list[str]:
    canaries = {Role.intermediary: ["canary-hp-confidential"],
                Role.organiser: ["canary-bg-confidential", "canary-hp-confidential",
                                 "canary-bg-brokers"],
                Role.enterprise: ["canary-hp-public", "canary-hp-confidential"],
                Role.admin: []}[role]
    if role is not Role.admin:
        canaries.append("canary-prohibited")  # a dossier only the Department reads
    if role is Role.organiser and not route.path.startswith("/enterprises"):
        canaries += _identity(fixture)  # the enterprise directory names enterprises
    return canaries


def _text(response) -> str:
    """Everything readable in an answer: JSON as text, calendars unfolded, workbooks' XML; with
    diacritics folded and digit separators removed, so that no spelling hides a canary."""
    kind = response.headers.get("content-type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    elif "json" in kind:
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = response.text.replace("\r\n ", "")
    text = fold(text)
    return text + " " + re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)


def _enterprise_ids(response) -> list:
    """Every `enterprise_id` in a JSON answer: organisers are never told whom a need, an
    introduction, a transfer or a participant concerns."""
    if "json" not in response.headers.get("content-type", ""):
        return []
    found = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            found.extend(v for k, v in value.items() if k.endswith("enterprise_id"))
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(response.json())
    return found


def _formats(route: APIRoute) -> list[str | None]:
    for param in route.dependant.query_params:
        if param.name == "format":
            return list(get_args(param.field_info.annotation)) or [None]
    return [None]


# Values of the query parameters a read requires (no optional filter narrows what is read).
READ_PARAMS = {"jurisdiction": "BG", "q": "sấy vải thiều", "year": date.today().year}


def test_no_read_in_any_format_holds_what_the_caller_may_not_see(fixture: Fixture) -> None:
    reads, leaks = 0, []
    spec = fixture.client.app.openapi()  # type: ignore[attr-defined]
    required = {path: {p["name"] for p in ops.get("get", {}).get("parameters", [])
                       if p.get("required")} for path, ops in spec["paths"].items()}
    for route in _api_routes(fixture.client.app):
        if "GET" not in route.methods or route.path.endswith(".png"):
            continue
        ids = {p: fixture.visible(p) for p in re.findall(r"{(\w+)}", route.path)}
        agendas = ("supplier", "participant_bg_public") if "participant_id" in ids else (None,)
        for participant in agendas:  # a supplier's agenda shows the needs it meets
            if participant:
                ids["participant_id"] = fixture.world.records[participant]
            path = route.path.format(**ids)
            provinces = ("BG", "HP") if "jurisdiction" in required[route.path] else ("BG",)
            for fmt, province in itertools.product(_formats(route), provinces):
                params = {k: v for k, v in READ_PARAMS.items() if k in required[route.path]}
                params |= {"limit": 100, "format": fmt} if fmt else {"limit": 100}
                params |= {"jurisdiction": province} if "jurisdiction" in params else {}
                for role in ROLES:
                    response = fixture.client.get(
                        path, params=params, headers={"X-API-Key": fixture.world.keys[role]})
                    assert response.status_code < 500, f"{role} {path} {fmt}: {response.text}"
                    reads += response.status_code == 200
                    if response.status_code != 200:
                        continue
                    text = _text(response)
                    leaks += [f"{role} {path} {fmt}: {c}" for c in _forbidden(fixture, role, route)
                              if fold(c) in text]
                    if role is Role.organiser and not route.path.startswith("/enterprises"):
                        leaks += [f"{role} {path}: enterprise_id {v}" for v in _enterprise_ids(
                            response) if v is not None]
    assert leaks == []
    assert reads >= 120, reads


def test_the_canaries_are_there_for_those_who_may_see_them(fixture: Fixture) -> None:
    """The leak test above can fail: the same reads show the canaries to admins."""
    admin = {"X-API-Key": fixture.world.keys[Role.admin]}
    records = fixture.world.records
    agenda = f"/events/{records['bg_event']}/participants/{records['supplier']}/agenda"
    for fmt in ("json", "csv", "ics", "html"):
        text = _text(fixture.client.get(agenda, params={"format": fmt}, headers=admin))
        assert "canary-hp-confidential" in text, fmt
    need = fixture.client.get(f"/needs/{fixture.world.bg_public}", headers=admin)
    assert all(fold(c) in _text(need) for c in _identity(fixture))
