"""`ketnoi alerts run` on a temporary data directory: the first run starts at the newest outbox
row; a dossier imported afterwards is matched against the open need and alerted once."""

import json
from pathlib import Path

from sqlmodel import select

from api.cli import app
from matcher.alerts.models import Notification
from matcher.platform.config import get_settings
from matcher.platform.db import make_engine, session_scope
from tests.api.test_cli import env, runner  # noqa: F401  (the fixture)
from tests.factories import dossier_payload, enterprise_payload, need_payload, tax_code
from tests.matcher.alerts.conftest import DRYER, WORLD_MIN_CONFIDENCE


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_alerts_run_notifies_a_new_dossier_once(env: Path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KETNOI_MIN_CONFIDENCE", str(WORLD_MIN_CONFIDENCE))  # see the constant
    get_settings.cache_clear()
    assert runner.invoke(app, ["init"]).exit_code == 0  # sectors and two dossiers
    code = tax_code()
    enterprise = {**enterprise_payload(tax_code=code)}
    need = {**need_payload(0, ref="N-1"), "enterprise_tax_code": code}
    del need["enterprise_id"]
    for kind, rows in (("enterprises", [enterprise]), ("needs", [need])):
        result = runner.invoke(app, ["import", kind, str(_jsonl(env / f"{kind}.jsonl", rows))])
        assert result.exit_code == 0, result.output
    first = runner.invoke(app, ["alerts", "run"])
    assert first.exit_code == 0, first.output
    assert "0 changes read" in first.output
    dossiers = _jsonl(env / "new.jsonl", [dossier_payload(ref="D-NEW", **DRYER)])
    assert runner.invoke(app, ["import", "dossiers", str(dossiers)]).exit_code == 0
    second = runner.invoke(app, ["alerts", "run"])
    assert "1 dossiers matched, 1 new matches, 2 notifications" in second.output, second.output
    third = runner.invoke(app, ["alerts", "run"])
    assert "0 changes read, 0 dossiers matched, 0 new matches, 0 notifications" in third.output
    engine = make_engine(get_settings().resolved_database_url)
    with session_scope(engine) as session:
        subjects = {n.subject for n in session.exec(select(Notification))}
    engine.dispose()
    assert subjects == {"1 hồ sơ công nghệ mới phù hợp với nhu cầu «Sấy vải thiều»"}
