"""The authorization matrix, built from the app's own route table: every route × role ×
owner/non-owner is called for real, and the answer must match `api.access.RULES`.

A route without a rule fails `test_every_route_has_a_rule`; a rule whose route is gone fails
it too. For each call the test expects 401 (no key), 403 (role not allowed), a hidden record's
404 (another enterprise's records, confidential needs of another province, non-public needs for
organisers), or an answer past authorization (anything but 401/403, e.g. 200, 201, 404 for an
absent event, 422 for the empty body sent to a write).
"""

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.access import RULES
from matcher.auth.models import Role
from tests.api.conftest import ANONYMOUS, World
from tests.factories import need_payload

ROLES = [*Role, ANONYMOUS]


def _api_routes(app) -> list[APIRoute]:
    """The JSON API's routes (the web pages and `/docs` are outside the schema: their rules
    are `api.web.access.PAGES`, tested in tests/api/web/test_page_rules.py)."""
    return [c.route for c in iter_route_contexts(app.routes)
            if isinstance(c.route, APIRoute) and c.route.include_in_schema]


def test_every_route_has_a_rule(access_world) -> None:
    client, _, _ = access_world
    names = {route.name for route in _api_routes(client.app)}
    assert names - RULES.keys() == set(), "routes without an access rule"
    assert RULES.keys() - names == set(), "rules for routes that no longer exist"


def _target(world: World, role: str, owner: bool) -> dict[str, int]:
    """Records a call aims at: the caller's own (or visible) ones, or someone else's."""
    if role == Role.intermediary:  # confidential needs: same province vs another
        need = world.bg_confidential if owner else world.hp_confidential
    elif role == Role.organiser:  # public needs are shown anonymised, others not at all
        need = world.bg_public if owner else world.bg_confidential
    else:
        need = world.bg_public if owner else world.hp_public
    enterprise = world.bg_enterprise if owner or role != Role.enterprise else world.hp_enterprise
    # introductions: of the BG public need (every reader's), or of the HP one (not the BG
    # enterprise's: hidden from its key)
    introduction = world.records["intro_bg_public" if owner or role != Role.enterprise
                                 else "intro_hp_public"]
    return {"need_id": need, "enterprise_id": enterprise, "dossier_id": world.dossier,
            "introduction_id": introduction}


def _hidden(role: str, owner: bool, route: APIRoute) -> bool:
    """Whether the record aimed at must look absent (404) to this caller."""
    params = set(re.findall(r"{(\w+)}", route.path))
    if owner or role in (Role.admin, ANONYMOUS):
        return False
    if "need_id" in params:
        return True
    return bool(params & {"enterprise_id", "introduction_id"}) and role == Role.enterprise


def _cases() -> Iterator[tuple[str, str, bool]]:
    for name in sorted(RULES):
        for role in ROLES:
            for owner in (True, False):
                yield name, role, owner


@pytest.mark.parametrize(("name", "role", "owner"), list(_cases()))
def test_route_role_owner(access_world, name: str, role: str, owner: bool) -> None:
    client, world, _ = access_world
    route = next(r for r in _api_routes(client.app) if r.name == name)
    method = sorted(route.methods - {"HEAD"})[0]
    ids = _target(world, role, owner)
    if method == "DELETE" and "need_id" in route.path:  # delete a fresh need, not the shared one
        ids["need_id"] = _fresh_need(client, world, role, owner)
    path = re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), 1)), route.path)
    headers = {"X-API-Key": world.keys[role]} if world.keys[role] else {}
    body = {} if method in ("POST", "PATCH", "PUT") else None
    response = client.request(method, path, headers=headers, json=body)
    rule, status = RULES[name], response.status_code
    if role == ANONYMOUS and rule.open:
        assert status in (200, 503), f"{method} {path} without a key: {status}"
    elif role == ANONYMOUS:
        assert status == 401, f"{method} {path} without a key: {status}"
    elif role not in rule.roles:
        assert status == 403, f"{role} {method} {path}: {status} {response.text[:200]}"
    elif _hidden(role, owner, route):
        assert status == 404, f"{role} {method} {path} (not theirs): {status}"
    else:
        assert status not in (401, 403), f"{role} {method} {path}: {status} {response.text}"


def _fresh_need(client: TestClient, world: World, role: str, owner: bool) -> int:
    target = _target(world, role, owner)["need_id"]
    admin = {"X-API-Key": world.keys[Role.admin]}
    original = client.get(f"/needs/{target}", headers=admin).json()
    copy = need_payload(original["enterprise_id"], sector_codes=original["sector_codes"],
                        confidentiality=original["confidentiality"])
    response = client.post("/needs", json=copy, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["id"]
