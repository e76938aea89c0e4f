"""The README and docs/ACCESS.md tell the truth: every setting, CLI command, API route and web
page is documented, and the quickstart's curl examples work as pasted."""

import re

from typer.main import get_command

from api.cli import app
from matcher.platform.config import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text("utf-8")


def test_every_setting_is_documented_in_the_readme():
    documented = set(re.findall(r"`(KETNOI_[A-Z_]+)`", README))
    expected = {f"KETNOI_{name.upper()}" for name in Settings.model_fields}
    assert expected - documented == set()


def test_every_setting_has_a_description():
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []


def test_every_cli_command_is_documented_in_the_readme():
    command = get_command(app)
    missing = []
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        for child in getattr(sub, "commands", None) or [""]:
            pattern = rf"`ketnoi {name}" + (rf"[^`]*\b{child}\b" if child else r"\b")
            if not re.search(pattern, README):
                missing.append(f"ketnoi {name} {child}".strip())
    assert missing == []


def test_access_doc_lists_every_rule_as_enforced():
    from fastapi.routing import APIRoute, iter_route_contexts

    from api.access import RULES
    from api.main import create_app
    from matcher.auth.models import Role

    doc = (REPO_ROOT / "docs" / "ACCESS.md").read_text("utf-8")
    routes = {c.route.name: c.route for c in iter_route_contexts(create_app().routes)
              if isinstance(c.route, APIRoute)}
    for name, rule in RULES.items():
        route = routes[name]
        method = sorted(route.methods - {"HEAD"})[0]
        cells = ["own" if role is Role.enterprise and rule.owned else "yes"
                 if role in rule.roles else "—" for role in Role]
        cells.append("always" if rule.open else "if public_search" if rule.public else "—")
        row = f"| `{method} {route.path}` | " + " | ".join(cells) + " |"
        assert row in doc, f"docs/ACCESS.md: {row}"


def test_access_doc_lists_every_page_as_enforced():
    from fastapi.routing import APIRoute, iter_route_contexts

    from api.main import create_app
    from api.web.access import PAGES
    from matcher.auth.models import Role

    doc = (REPO_ROOT / "docs" / "ACCESS.md").read_text("utf-8")
    pages = doc[doc.index("## The web pages"):]
    for context in iter_route_contexts(create_app().routes):
        route = context.route
        if not isinstance(route, APIRoute) or route.name not in PAGES:
            continue
        method = sorted(route.methods - {"HEAD"})[0]
        cells = ["yes" if role in PAGES[route.name] else "—" for role in Role]
        row = f"| `{method} {route.path}` | " + " | ".join(cells) + " |"
        assert row in pages, f"docs/ACCESS.md: {row}"


def _callers():
    """The callers of the docs/ACCESS.md tables, as policies; the records are of BG."""
    from matcher.auth.keys import Principal
    from matcher.auth.models import Role
    from matcher.auth.policy import Policy

    return {
        "admin": Policy(Principal(Role.admin)),
        "intermediary, same province": Policy(Principal(Role.intermediary, jurisdiction="BG")),
        "intermediary, other province": Policy(Principal(Role.intermediary, jurisdiction="HP")),
        "organiser": Policy(Principal(Role.organiser, jurisdiction="BG")),
        "enterprise, its own need": Policy(Principal(Role.enterprise, enterprise_id=1)),
        "enterprise, its own": Policy(Principal(Role.enterprise, enterprise_id=1)),
        "enterprise, another's need": Policy(Principal(Role.enterprise, enterprise_id=2)),
    }


def _table_rows(doc: str, header: str) -> dict[str, list[str]]:
    lines = doc[doc.index(header):].splitlines()[2:]
    rows = {}
    for line in lines:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_access_doc_need_table_is_the_policy():
    from matcher.models import Need

    doc = (REPO_ROOT / "docs" / "ACCESS.md").read_text("utf-8")
    rows = _table_rows(doc, "| caller | public need |")
    levels = ("public", "intermediaries", "confidential")
    expected = {name: [policy.need_view(Need(problem="x", enterprise_id=1, confidentiality=level),
                                        "BG").value for level in levels]
                for name, policy in _callers().items() if name in rows}
    assert rows == expected and len(rows) == 6


def test_access_doc_change_table_is_the_policy():
    from matcher.auth.policy import Refused
    from matcher.models import Enterprise, Need

    doc = (REPO_ROOT / "docs" / "ACCESS.md").read_text("utf-8")
    rows = _table_rows(doc, "| caller | move an enterprise")

    enterprise = Enterprise(id=1, tax_code="2400000008", name="DN", jurisdiction="BG")
    need = Need(problem="x", enterprise_id=1, confidentiality="intermediaries")

    def allowed(policy, check: str, *args) -> str:
        try:
            getattr(policy, check)(*args)
        except Refused:
            return "no"
        return "yes"

    expected = {name: [
        allowed(policy, "check_enterprise_write", enterprise, {"jurisdiction": "HP"}),
        allowed(policy, "check_need_write", need, enterprise, {"confidentiality": "public"}),
        allowed(policy, "check_need_write", need, enterprise, {"confidentiality": "confidential"}),
    ] for name, policy in _callers().items() if name in rows}
    assert rows == expected and len(rows) == 5


def test_the_readme_curl_examples_work_as_pasted(client, runtime):
    """The quickstart's `curl` lines, run by curl itself against a real server with the
    setting `make run` uses (search without a key): each answers 200 with the dossier."""
    import json
    import shlex
    import shutil
    import subprocess

    from api.main import create_app
    from tests.api.web.conftest import serve
    from tests.factories import dossier_payload

    lines = [line for line in README.splitlines() if line.startswith("curl -G localhost:8000")]
    assert len(lines) >= 2
    curl = shutil.which("curl")
    assert curl, "curl is needed for this test (apt-get install curl)"
    made = client.post("/dossiers", json=dossier_payload(
        title="Swine wastewater treatment for pig farms", sector_codes=["BG-g"],
        summary="Anaerobic digestion and constructed wetlands for livestock wastewater."))
    assert made.status_code == 201, made.text
    runtime.settings.public_search = True
    server, thread, url = serve(create_app(runtime))
    try:
        for line in lines:
            args = shlex.split(line.replace("localhost:8000", url))
            done = subprocess.run([curl, "-sS", "-w", "\\n%{http_code}", *args[1:]],
                                  capture_output=True, text=True, timeout=120)
            body, status = done.stdout.rsplit("\n", 1)
            assert status == "200", (line, status, body[:300])
            titles = [item["title"] for item in json.loads(body)["data"]]
            assert "Swine wastewater treatment for pig farms" in titles, (line, titles)
    finally:
        server.should_exit = True
        thread.join(10)
