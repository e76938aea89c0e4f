"""`ketnoi event …` end to end on a SQLite file in tmp_path (or the test's PostgreSQL
database), with organiser-given scores."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli_events import app
from matcher.events.models import Meeting
from matcher.platform.config import get_settings
from matcher.platform.db import create_tables, make_engine
from tests.matcher.events.world import World, build_world, event_payload

runner = CliRunner()


@pytest.fixture
def world_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None
               ) -> Iterator[tuple[World, Path]]:
    """A configured data directory whose database holds dossiers, needs and one event."""
    monkeypatch.setenv("KETNOI_DATA_DIR", str(tmp_path / "data"))
    if database_url:
        monkeypatch.setenv("KETNOI_DATABASE_URL", database_url)
    get_settings.cache_clear()
    engine = make_engine(get_settings().resolved_database_url)
    create_tables(engine)
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, suppliers=2, enterprises=3)
    yield world, tmp_path
    engine.dispose()
    get_settings.cache_clear()


def test_import_pair_schedule_agenda_outcomes(world_file: tuple[World, Path]) -> None:
    world, tmp = world_file
    (tmp / "event.json").write_text(json.dumps(event_payload(slots=3, tables=1)), "utf-8")
    (tmp / "people.csv").write_text(
        "ref,kind,name,dossier_ref,need_ref,available_slots\n"
        f"A,supplier,Kim,{world.dossiers[0].ref},,\n"
        f"B,supplier,Lee,{world.dossiers[1].ref},,1-2\n"
        f"X,enterprise,Lan,,{world.needs[0].ref},\n"
        f"Y,enterprise,Minh,,{world.needs[1].ref},2-3\n", "utf-8")
    result = runner.invoke(app, ["import", str(tmp / "people.csv"),
                                 "--new-event", str(tmp / "event.json")])
    assert result.exit_code == 0, result.output
    assert result.output == "event 2: 4 participants created, 0 updated\n"

    (tmp / "scores.csv").write_text("supplier_ref,enterprise_ref,score\nA,X,0.9\nA,Y,0.8\n"
                                    "B,X,0.85\nB,Y,0.3\n", "utf-8")
    result = runner.invoke(app, ["pair", "2", "--scores", str(tmp / "scores.csv")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["meetings"], report["total_score"]) == (3, pytest.approx(2.55))

    result = runner.invoke(app, ["schedule", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "checker: all constraints hold"

    result = runner.invoke(app, ["agenda", "2", "--out", str(tmp / "out")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp / "out").iterdir())
    assert names == sorted([f"agenda-{r}.{x}" for r in "ABXY" for x in ("csv", "ics", "html")]
                           + ["grid.csv", "grid.html"])

    engine = make_engine(get_settings().resolved_database_url)
    with Session(engine) as session:
        first = session.exec(select(Meeting).where(Meeting.event_id == 2)).first()
    (tmp / "outcomes.csv").write_text("meeting_id,status,rating,follow_up\n"
                                      f"{first.id},held,cooperation_possible,"
                                      "negotiation_started\n", "utf-8")
    result = runner.invoke(app, ["outcomes", "2", "--file", str(tmp / "outcomes.csv")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["by_status"]["held"] == 1
    assert summary["by_follow_up"]["negotiation_started"] == 1


def test_import_failure_writes_nothing_and_names_rows(world_file: tuple[World, Path]) -> None:
    _, tmp = world_file
    (tmp / "bad.csv").write_text("ref,kind,name,dossier_id\nA,supplier,Kim,12345\n", "utf-8")
    result = runner.invoke(app, ["import", str(tmp / "bad.csv"), "--event", "1"])
    assert result.exit_code == 1
    assert "row 1, field 'dossier_id': no dossier with id 12345" in result.output


def test_schedule_of_a_missing_event_is_refused(world_file: tuple[World, Path]) -> None:
    result = runner.invoke(app, ["schedule", "99"])
    assert result.exit_code == 2
    assert "no event with id 99" in result.output
