"""The page table (`api.web.access.PAGES`) is complete and enforced: every page of the web
application has a rule, and each role outside a page's rule gets 403 there (before anything
is read or written), while a caller with no session is sent to log in."""

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api.main import create_app
from api.web.access import PAGES
from matcher.auth.models import Role
from tests.api.web.conftest import login

OPEN = {"root", "login_page", "login", "set_language"}  # pages for people not logged in yet


def web_routes() -> list[APIRoute]:
    routes = [context.route for context in iter_route_contexts(create_app().routes)
              if isinstance(context.route, APIRoute)]
    found = [route for route in routes if route.path == "/" or route.path.startswith("/web")]
    assert len(found) > 4, "the app's routes were not found"
    return found


def test_every_page_has_a_rule_and_every_rule_a_page():
    names = {route.name for route in web_routes()}
    assert names - OPEN - set(PAGES) == set(), "pages without a rule in api/web/access.py"
    assert set(PAGES) - names == set(), "rules of pages that do not exist"


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_roles_outside_a_page_rule_are_refused(web, runtime, role):
    token = login(web, runtime, role)
    for route in web_routes():
        if route.name in OPEN or Role(role) in PAGES[route.name]:
            continue
        for method in route.methods:
            answer = web.request(method, concrete(route.path), data={"csrf_token": token})
            assert answer.status_code == 403, (role, method, route.path, answer.status_code)


def test_without_a_session_every_page_asks_to_log_in(web):
    for route in web_routes():
        if route.name in OPEN:
            continue
        for method in route.methods:
            answer = web.request(method, concrete(route.path))
            assert answer.status_code == 303, (method, route.path)
            assert answer.headers["location"].startswith("/web/login?next=")
