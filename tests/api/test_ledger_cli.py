"""`ketnoi report …` on a temporary database: the CLI and the progress endpoint agree."""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli_report import app
from api.deps import get_session
from api.routes import progress
from matcher.auth.policy import SYSTEM
from matcher.ledger.service import introduce
from matcher.platform.config import get_settings
from tests.matcher.ledger.world import add_plan, build_world, ledger_engine

runner = CliRunner()


@pytest.fixture
def engine(tmp_path: Path, monkeypatch, database_url: str | None) -> Iterator[Engine]:
    """A file database (or the test's PostgreSQL one) the CLI reads through the settings, with
    a plan and two introductions."""
    url = database_url or f"sqlite:///{tmp_path / 'ketnoi.db'}"
    monkeypatch.setenv("KETNOI_DATABASE_URL", url)
    get_settings.cache_clear()
    built = ledger_engine(url)
    with Session(built) as session:
        world = build_world(session)
        add_plan(session, foreign_dossiers_introduced=80, technologies_transferred=5)
        for dossier, on in ((world.korean, date(2024, 2, 1)), (world.domestic, date(2024, 3, 1)),
                            (world.japanese, date(2025, 4, 1))):
            introduce(session, dossier_id=dossier.id, enterprise_id=world.agro.id, on=on,
                      channel="direct", actor="t", policy=SYSTEM)
        session.commit()
    yield built
    built.dispose()
    get_settings.cache_clear()


def test_progress_cli_and_endpoint_agree(engine: Engine) -> None:
    result = runner.invoke(app, ["progress", "--jurisdiction", "BG", "--as-of", "2025-06-30",
                                 "--json"])
    assert result.exit_code == 0, result.output
    api = FastAPI()
    api.include_router(progress.router)

    def override() -> Iterator[Session]:
        with Session(engine) as s:
            yield s

    api.dependency_overrides[get_session] = override
    with TestClient(api) as client:
        endpoint = client.get("/progress", params={"jurisdiction": "BG", "as_of": "2025-06-30"})
    assert json.loads(result.output) == endpoint.json()
    dossiers = endpoint.json()["indicators"][0]
    assert (dossiers["value"], dossiers["target"], dossiers["pace"]) == (2, 80, "behind")


def test_progress_cli_prints_a_table(engine: Engine) -> None:
    result = runner.invoke(app, ["progress", "--as-of", "2025-06-30", "--breakdowns"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("BG: plan P-BG, period 2023–2025 (2023-01-01 – 2025-12-31), "
                        "as of 2025-06-30")
    assert lines[2].split()[:3] == ["foreign_dossiers_introduced", "2", "80"]
    assert "not counted: 1 domestic dossier" in result.output
    assert "by origin_country: JP 1, KR 1" in result.output


def test_progress_cli_without_a_plan_exits_1(engine: Engine) -> None:
    result = runner.invoke(app, ["progress", "--jurisdiction", "HP"])
    assert result.exit_code == 1
    assert "no plan of HP has a period containing" in result.output


def test_annual_writes_xlsx_and_png(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["annual", "--jurisdiction", "BG", "--year", "2025",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {out / 'ketnoi-BG-2025.xlsx'}",
                                          f"wrote {out / 'ketnoi-BG-2025.png'}"]
    summary = load_workbook(out / "ketnoi-BG-2025.xlsx")["summary"]
    assert [summary["C5"].value, summary["D5"].value] == [1, 2]
    assert (out / "ketnoi-BG-2025.png").stat().st_size > 20_000


def test_seed_twice_adds_nothing_the_second_time(engine: Engine) -> None:
    first = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("ledger seed: 2 plans, 7 intermediaries, 6 trainings, "
                                   "497 fdi_projects, ")
    again = runner.invoke(app, ["seed"])
    assert again.output == ("ledger seed: 2 plans, 7 intermediaries, 0 trainings, "
                            "0 fdi_projects, 0 introductions\n")
