"""`ketnoi db upgrade`, `current` and `revision` on the test's database (a new SQLite file,
or a new PostgreSQL database)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from matcher.platform import migrations
from matcher.platform.config import get_settings
from tests.conftest import fresh_database

runner = CliRunner()


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, databases) -> Iterator[Path]:
    """Settings naming a database without tables."""
    monkeypatch.setenv("KETNOI_DATA_DIR", str(tmp_path / "data"))
    with fresh_database(databases, empty=True) as url:
        if url:
            monkeypatch.setenv("KETNOI_DATABASE_URL", url)
        get_settings.cache_clear()
        yield tmp_path
        get_settings.cache_clear()


def test_upgrade_then_current(configured: Path):
    head = migrations.head()
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 0, result.output
    assert result.output == f"none (newest is {head}: run `ketnoi db upgrade`)\n"

    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"upgraded: empty database → {head} (applied 0001, " in result.output
    assert "database: " in result.output

    result = runner.invoke(app, ["db", "upgrade"])
    assert result.output.endswith(f"already at the newest revision ({head})\n")
    assert runner.invoke(app, ["db", "current"]).output == f"{head} (newest)\n"


def test_revision_writes_the_next_script_with_the_model_changes(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """On a copy of the scripts: a new table in the models becomes a revision that creates it."""
    import shutil

    from sqlmodel import Field, SQLModel

    before = migrations.head()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations.SCRIPTS, scripts)
    monkeypatch.setattr(migrations, "SCRIPTS", scripts)

    class Probe(SQLModel, table=True):
        __tablename__ = "probe_for_revision"
        id: int | None = Field(default=None, primary_key=True)

    try:
        result = runner.invoke(app, ["db", "revision", "add the probe table"])
    finally:
        SQLModel.metadata.remove(Probe.__table__)
    assert result.exit_code == 0, result.output
    written = Path(result.output.split("written: ")[1].strip())
    assert written.parent == scripts / "versions"
    body = written.read_text("utf-8")
    assert "op.create_table('probe_for_revision'" in body
    assert f"down_revision = {before!r}" in body
    assert written.name.startswith(f"{int(before) + 1:04d}_add_the_probe_table")
