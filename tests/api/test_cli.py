"""The `ketnoi` CLI on a temporary data directory and a small seed."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from matcher.platform.config import get_settings
from tests.conftest import ON_POSTGRES, SEED
from tests.factories import dossier_payload

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch, database_url: str | None) -> Path:
    seed = tmp_path / "seed"
    (seed / "dossiers").mkdir(parents=True)
    shutil.copy(SEED / "sectors.json", seed)
    shutil.copy(SEED / "exchange_rates.json", seed)
    shutil.copytree(SEED / "lexicon", seed / "lexicon")
    rows = [dossier_payload(ref="D-1", title="Heat-pump dryer for lychee"),
            dossier_payload(ref="D-2", title="Swine wastewater digester",
                            summary="Biogas from piggery effluent.", sector_codes=["VN-07"])]
    (seed / "dossiers" / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    monkeypatch.setenv("KETNOI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KETNOI_SEED_DIR", str(seed))
    if database_url:
        monkeypatch.setenv("KETNOI_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_init_loads_seed_and_builds_index(env: Path):
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert "2 dossiers" in result.output
    assert "index: 2 dossiers, 0 needs (built anew)" in result.output
    assert (env / "data" / "ketnoi.db").exists() is not ON_POSTGRES  # no stray SQLite file
    assert (env / "data" / "index" / "dossiers.faiss").exists()
    again = runner.invoke(app, ["init"])
    assert "index: 2 dossiers, 0 needs" in again.output
    assert "built anew" not in again.output


def test_import_with_a_bad_row_writes_nothing(env: Path):
    runner.invoke(app, ["init"])
    bad = env / "bad.jsonl"
    bad.write_text(json.dumps(dossier_payload(ref="D-3")) + "\n"
                   + json.dumps(dossier_payload(ref="D-4", trl=12)), "utf-8")
    result = runner.invoke(app, ["import", "dossiers", str(bad)])
    assert result.exit_code == 1
    assert "row 2, field 'trl'" in result.output
    assert "nothing imported" in result.output
    verify = runner.invoke(app, ["index", "verify"])
    assert verify.exit_code == 0
    assert "dossiers: 0 missing, 0 stale, 0 extra" in verify.output


def test_import_then_search_and_verify(env: Path):
    runner.invoke(app, ["init"])
    good = env / "good.jsonl"
    good.write_text(json.dumps(dossier_payload(ref="D-5", title="Injection mould making",
                                               sector_codes=["VN-02"])), "utf-8")
    result = runner.invoke(app, ["import", "dossiers", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 created, 0 updated" in result.output
    search = runner.invoke(app, ["search", "xử lý nước thải chăn nuôi lợn", "--json"])
    assert search.exit_code == 0, search.output
    body = json.loads(search.output[search.output.index("{"):])
    assert body["data"][0]["title"] == "Swine wastewater digester"


def test_import_names_the_rows_that_likely_duplicate_a_stored_dossier(env: Path):
    runner.invoke(app, ["init"])
    copy = dossier_payload(ref="D-6", title="Swine wastewater digester", source="techmart",
                           summary="Biogas from piggery effluent.", sector_codes=["VN-07"])
    other = dossier_payload(ref="D-7", title="Robotic welding of steel structures",
                            summary="Offline programming and seam tracking.",
                            description="Welding cells for beams and columns.", keywords=[],
                            sector_codes=["VN-02"])
    path = env / "copies.jsonl"
    path.write_text(json.dumps(other) + "\n" + json.dumps(copy), "utf-8")
    result = runner.invoke(app, ["import", "dossiers", str(path)])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "likely duplicate of" in x]
    assert len(lines) == 1 and lines[0].startswith("row 2 (D-6): likely duplicate of dossier ")
    assert "'Swine wastewater digester'" in lines[0]


def test_verify_reports_drift_and_rebuild_repairs_it(env: Path):
    runner.invoke(app, ["init"])
    (env / "data" / "index" / "dossiers.faiss").unlink()
    (env / "data" / "index" / "dossiers.json").unlink()
    drift = runner.invoke(app, ["index", "verify"])
    assert drift.exit_code == 1
    assert "dossiers: 2 missing" in drift.output
    assert runner.invoke(app, ["index", "rebuild"]).exit_code == 0
    assert runner.invoke(app, ["index", "verify"]).exit_code == 0


def test_import_rejects_unknown_kind(env: Path):
    path = env / "x.csv"
    path.write_text("a\n1\n", "utf-8")
    result = runner.invoke(app, ["import", "patents", str(path)])
    assert result.exit_code == 2
    assert "use one of dossiers, enterprises, needs" in result.output


def test_keys_are_issued_listed_and_revoked(env: Path):
    first = runner.invoke(app, ["init"])
    assert "an admin key was issued" in first.output
    assert "admin key was issued" not in runner.invoke(app, ["init"]).output
    made = runner.invoke(app, ["keys", "create", "--role", "intermediary", "--org",
                               "TT Ứng dụng KH&CN", "--jurisdiction", "BG", "--quiet"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    assert secret.startswith("kn_") and "\n" not in secret
    listed = runner.invoke(app, ["keys", "list"]).output
    assert "intermediary" in listed and "TT Ứng dụng KH&CN" in listed and "BG" in listed
    assert secret not in listed and secret.split("_", 2)[2] not in listed
    bad = runner.invoke(app, ["keys", "create", "--role", "enterprise", "--org", "X"])
    assert bad.exit_code != 0 and "enterprise_id" in bad.output
    key_id = listed.splitlines()[-1].split()[0]
    assert runner.invoke(app, ["keys", "revoke", key_id]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["keys", "list"]).output.splitlines()[-1]


def test_init_creates_the_first_admin_user_who_can_log_in(env: Path):
    import re

    from fastapi.testclient import TestClient

    from api.main import create_app
    from matcher.platform.runtime import build_runtime

    first = runner.invoke(app, ["init"])
    found = re.search(r"e-mail:\s+(\S+)\s+password:\s+(\S+)", first.output)
    assert found, first.output
    email, password = found.groups()
    assert "first admin of the web application" not in runner.invoke(app, ["init"]).output
    runtime = build_runtime(get_settings())
    with TestClient(create_app(runtime), follow_redirects=False) as web:
        answer = web.post("/web/login", data={"email": email, "password": password})
        assert answer.status_code == 303 and answer.headers["location"] == "/web/"
        assert "Quản trị viên" in web.get("/web/").text
    runtime.engine.dispose()


def test_users_are_created_listed_given_a_password_and_disabled(env: Path):
    runner.invoke(app, ["init"])
    made = runner.invoke(app, ["users", "create", "Moi.Gioi@TT.vn", "--name", "Trần Thị Bình",
                               "--role", "intermediary", "--org", "TT Ứng dụng",
                               "--jurisdiction", "BG"])
    assert made.exit_code == 0, made.output
    assert "moi.gioi@tt.vn (intermediary) created" in made.output
    listed = runner.invoke(app, ["users", "list"]).output
    assert "moi.gioi@tt.vn" in listed and "BG" in listed and "active" in listed
    password = made.output.rsplit(":", 1)[1].strip()
    assert password not in listed
    again = runner.invoke(app, ["users", "create", "moi.gioi@tt.vn", "--name", "X", "--role",
                                "admin", "--org", "Y"])
    assert again.exit_code != 0 and "email" in again.output
    no_province = runner.invoke(app, ["users", "create", "b@tt.vn", "--name", "X", "--role",
                                      "organiser", "--org", "Y"])
    assert no_province.exit_code != 0 and "jurisdiction" in no_province.output
    changed = runner.invoke(app, ["users", "password", "moi.gioi@tt.vn"])
    assert changed.exit_code == 0 and password not in changed.output
    assert runner.invoke(app, ["users", "disable", "moi.gioi@tt.vn"]).exit_code == 0
    assert "disabled" in runner.invoke(app, ["users", "list"]).output
    missing = runner.invoke(app, ["users", "disable", "ai@tt.vn"])
    assert missing.exit_code != 0 and "no user" in missing.output


def test_settings_are_shown_without_the_database_password(env: Path, monkeypatch):
    monkeypatch.setenv("KETNOI_DATABASE_URL",
                       "postgresql+psycopg://ketnoi:s3cr%40t-pw@db.example:5432/ketnoi")
    get_settings.cache_clear()
    result = runner.invoke(app, ["settings"])
    assert result.exit_code == 0, result.output
    assert "s3cr" not in result.output
    shown = json.loads(result.output)
    assert shown["database_url"] == "postgresql+psycopg://ketnoi:***@db.example:5432/ketnoi"
    assert shown["data_dir"] == str(env / "data")


def test_screen_screens_every_dossier_again(env: Path):
    runner.invoke(app, ["init"])
    kiln = env / "kiln.jsonl"
    kiln.write_text(json.dumps(dossier_payload(
        ref="D-9", title="Vertical shaft kiln cement plant", sector_codes=["VN-05"])), "utf-8")
    assert runner.invoke(app, ["import", "dossiers", str(kiln)]).exit_code == 0
    result = runner.invoke(app, ["screen"])
    assert result.exit_code == 0, result.output
    assert "screened 3 dossiers; 1 blocked by a prohibited finding" in result.output
