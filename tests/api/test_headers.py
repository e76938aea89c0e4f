"""Security headers on every answer, and a content security policy on every HTML page, the
API documentation included (it works offline)."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.factories import dossier_payload
from tests.matcher.events.world import event_payload


def CSP() -> str:  # noqa: N802  (the constant, read once the module exists)
    from api.headers import CSP

    return CSP


EVERYWHERE = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
              "x-frame-options": "DENY"}


def _html_pages(client: TestClient) -> list[str]:
    dossier = client.post("/dossiers", json=dossier_payload()).json()["id"]
    event = client.post("/events", json=event_payload()).json()["id"]
    person = client.post(f"/events/{event}/participants", json={
        "ref": "S1", "kind": "supplier", "name": "Supplier", "dossier_id": dossier}).json()["id"]
    return [f"/events/{event}/participants/{person}/agenda?format=html",
            f"/events/{event}/grid?format=html"]


def test_html_pages_get_the_policy_and_the_headers(client: TestClient):
    for url in _html_pages(client):
        response = client.get(url)
        assert response.status_code == 200 and "<html" in response.text, url
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["content-security-policy"] == CSP()
        for name, value in EVERYWHERE.items():
            assert response.headers[name] == value, (url, name)


def test_the_policy_forbids_scripts_frames_and_foreign_forms():
    directives = dict(d.strip().split(" ", 1) for d in CSP().split(";"))
    assert directives["default-src"] == "'self'"
    assert "script-src" not in directives  # falls back to 'self': no inline script runs
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.parametrize("url", ["/sectors", "/dossiers", "/openapi.json", "/no/such/page"])
def test_every_other_answer_gets_the_headers(client: TestClient, url: str):
    response = client.get(url)
    for name, value in EVERYWHERE.items():
        assert response.headers[name] == value, (url, name)


def test_the_documentation_page_loads_only_ketnoi_s_own_files(client: TestClient):
    """`/docs` works offline: Swagger UI's files are served by KetNoi (no CDN), started by a
    script file, so the strict policy applies to it as to every other page."""
    response = client.get("/docs")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/html")
    assert response.headers["content-security-policy"] == CSP()
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    assert "<script>" not in response.text  # no inline script
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert client.get("/redoc").status_code == 404  # ReDoc needs a CDN: not offered
