"""The README documents every setting and every CLI command."""

import re

from typer.main import get_command

from api.cli import app
from matcher.config import REPO_ROOT, Settings

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
        cells.append("if public_search" if rule.public else "—")
        row = f"| `{method} {route.path}` | " + " | ".join(cells) + " |"
        assert row in doc, f"docs/ACCESS.md: {row}"
