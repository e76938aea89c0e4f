"""The Alembic migrations: the schema they make equals the models (so a model changed without a
revision fails here), and a database made by a version before migrations is adopted with its
rows. Each test runs on SQLite, and on PostgreSQL under `KETNOI_TEST_DATABASE=postgresql`."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from matcher.models.validity import default_valid_until
from matcher.platform import migrations
from matcher.platform.db import create_tables, make_engine
from tests.conftest import engine_on, fresh_database


@pytest.fixture
def empty_engine(databases, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database without any table: a new SQLite file, or a new PostgreSQL
    database (so the migrations, not a shortcut, make its schema)."""
    with fresh_database(databases, empty=True) as url:
        engine = make_engine(url or f"sqlite:///{tmp_path / 'ketnoi.db'}")
        yield engine
        engine.dispose()


def test_the_migrated_schema_equals_the_models(empty_engine: Engine):
    done = migrations.upgrade(empty_engine)
    assert (done.before, done.after, done.adopted) == (None, migrations.head(), False)
    with empty_engine.connect() as connection:
        assert migrations.differences(connection) == []
        assert migrations.current(connection) == migrations.head()
        if connection.dialect.name == "sqlite":  # which Alembic's comparison does not see
            ddl = dict(connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
            keyed = [n for n, sql in ddl.items() if re.search(r"\sid INTEGER NOT NULL", sql)]
            assert len(keyed) > 15
            assert [n for n in keyed if "AUTOINCREMENT" not in ddl[n]] == []
    assert str(migrations.upgrade(empty_engine)).startswith("already at the newest revision")


def test_the_start_up_schema_of_a_test_database_equals_the_migrated_one(databases):
    """In-memory SQLite is made by create_all and stamped; PostgreSQL test databases are
    copies of a template the migrations made."""
    with fresh_database(databases) as url:
        engine = engine_on(url)
        create_tables(engine)
        with engine.connect() as connection:
            assert migrations.differences(connection) == []
            assert migrations.current(connection) == migrations.head()
        engine.dispose()


def _old_schema(dialect: str) -> list[str]:
    """Three tables as `create_all` of version 0.1 made them before migrations: no
    AUTOINCREMENT on SQLite, and a need's ref unique across all needs."""
    pg = dialect == "postgresql"
    key = "SERIAL" if pg else "INTEGER"
    stamp = "TIMESTAMP WITH TIME ZONE" if pg else "DATETIME"
    size, confidentiality, status = (("sizeclass", "confidentiality", "needstatus") if pg
                                     else ("VARCHAR(6)", "VARCHAR(14)", "VARCHAR(9)"))
    types = [
        "CREATE TYPE sizeclass AS ENUM ('micro', 'small', 'medium', 'large')",
        "CREATE TYPE confidentiality AS ENUM ('public', 'intermediaries', 'confidential')",
        "CREATE TYPE needstatus AS ENUM ('open', 'matched', 'closed', 'withdrawn')",
    ] if pg else []
    return [*types, """
        CREATE TABLE jurisdiction (
            code VARCHAR(16) NOT NULL, name VARCHAR(200) NOT NULL, level VARCHAR(20) NOT NULL,
            PRIMARY KEY (code))""", f"""
        CREATE TABLE enterprise (
            tax_code VARCHAR(14) NOT NULL, name VARCHAR(300) NOT NULL,
            province VARCHAR(100) NOT NULL, jurisdiction VARCHAR(16) NOT NULL,
            district VARCHAR(100) NOT NULL, industrial_zone VARCHAR(200),
            size_class {size} NOT NULL, employees INTEGER NOT NULL, main_sector VARCHAR(32),
            engineers INTEGER NOT NULL, rd_staff INTEGER NOT NULL,
            prior_transfers INTEGER NOT NULL, st_budget_vnd FLOAT NOT NULL,
            contact_email VARCHAR(200) NOT NULL, contact_phone VARCHAR(50) NOT NULL,
            id {key} NOT NULL, created_at {stamp} NOT NULL, updated_at {stamp} NOT NULL,
            PRIMARY KEY (id), FOREIGN KEY(jurisdiction) REFERENCES jurisdiction (code))""",
        "CREATE UNIQUE INDEX ix_enterprise_tax_code ON enterprise (tax_code)",
        "CREATE INDEX ix_enterprise_jurisdiction ON enterprise (jurisdiction)", f"""
        CREATE TABLE need (
            ref VARCHAR(64), title VARCHAR(300) NOT NULL, problem VARCHAR(10000) NOT NULL,
            desired_result VARCHAR(5000) NOT NULL, language VARCHAR(3) NOT NULL,
            sector_codes JSON NOT NULL, budget_min_vnd FLOAT, budget_max_vnd FLOAT,
            timeline_months INTEGER, preferred_countries JSON NOT NULL,
            preferred_modes JSON NOT NULL, confidentiality {confidentiality} NOT NULL,
            status {status} NOT NULL, id {key} NOT NULL, enterprise_id INTEGER NOT NULL,
            created_at {stamp} NOT NULL, updated_at {stamp} NOT NULL,
            PRIMARY KEY (id), FOREIGN KEY(enterprise_id) REFERENCES enterprise (id))""",
        "CREATE INDEX ix_need_enterprise_id ON need (enterprise_id)",
        "CREATE UNIQUE INDEX ix_need_ref ON need (ref)",
    ]


ENTERPRISE = text(
    "INSERT INTO enterprise (tax_code, name, province, jurisdiction, district, size_class, "
    "employees, engineers, rd_staff, prior_transfers, st_budget_vnd, contact_email, "
    "contact_phone, created_at, updated_at) VALUES (:tax_code, :name, 'Bắc Giang', 'BG', "
    "'Lục Ngạn', 'small', 40, 2, 0, 0, 0, '', '', '2025-01-02 03:04:05', "
    "'2025-01-02 03:04:05')")
NEED = text(
    "INSERT INTO need (ref, title, problem, desired_result, language, sector_codes, "
    "preferred_countries, preferred_modes, confidentiality, status, enterprise_id, "
    "created_at, updated_at) VALUES (:ref, :title, 'Sấy vải', '', 'vi', '[\"BG-d\"]', '[]', "
    "'[]', 'public', 'open', :enterprise_id, '2025-01-02 03:04:05', '2025-01-02 03:04:05')")
# the same need in today's schema, which says until when it is listed
NEED_NOW = text(str(NEED).replace("updated_at)", "updated_at, valid_until)")
                .replace("'2025-01-02 03:04:05')", "'2025-01-02 03:04:05', '2026-01-02')"))


def _old_database(engine: Engine) -> None:
    """The old schema, with a jurisdiction, two enterprises and a need."""
    with engine.begin() as connection:
        for statement in _old_schema(engine.dialect.name):
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql(
            "INSERT INTO jurisdiction (code, name, level) VALUES ('BG', 'Bắc Giang', 'province')")
        for tax_code, name in (("0100109106", "Nông sản Lục Ngạn"), ("0100112437", "Cơ khí")):
            connection.execute(ENTERPRISE, {"tax_code": tax_code, "name": name})
        connection.execute(NEED, {"ref": "N-1", "title": "Máy sấy vải", "enterprise_id": 1})


def test_a_database_made_before_migrations_is_adopted_with_its_rows(empty_engine: Engine):
    _old_database(empty_engine)
    done = migrations.upgrade(empty_engine)
    assert (done.before, done.after, done.adopted) == (None, migrations.head(), True)
    assert "adopted" in str(done)
    with empty_engine.connect() as connection:
        assert migrations.differences(connection) == []
        assert connection.exec_driver_sql(
            "SELECT e.name, n.ref, n.title FROM need n JOIN enterprise e "
            "ON e.id = n.enterprise_id").all() == [("Nông sản Lục Ngạn", "N-1", "Máy sấy vải")]
        assert "auditentry" in inspect(connection).get_table_names()  # missing tables made
        if connection.dialect.name == "sqlite":
            ddl = dict(connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
            assert "AUTOINCREMENT" in ddl["need"] and "AUTOINCREMENT" in ddl["enterprise"]
    with empty_engine.begin() as connection:  # a ref is now the enterprise's own
        connection.execute(NEED_NOW, {"ref": "N-1", "title": "Khác", "enterprise_id": 2})
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        connection.execute(NEED_NOW, {"ref": "N-1", "title": "Lặp", "enterprise_id": 1})


def test_an_old_database_the_upgrade_cannot_fix_is_left_as_it_was(empty_engine: Engine):
    _old_database(empty_engine)
    with empty_engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE need ADD COLUMN colour VARCHAR(10)")
    with pytest.raises(migrations.SchemaMismatch, match="colour"):
        migrations.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert tables == {"jurisdiction", "enterprise", "need"}
        assert connection.exec_driver_sql("SELECT count(*) FROM need").scalar() == 1


def test_records_stored_before_validity_get_a_full_period_from_the_upgrade(empty_engine: Engine):
    with empty_engine.begin() as connection:
        command.upgrade(migrations.config(connection), "0005")
        connection.exec_driver_sql(
            "INSERT INTO jurisdiction (code, name, level) VALUES ('BG', 'Bắc Giang', 'province')")
        connection.execute(ENTERPRISE, {"tax_code": "0100109106", "name": "Nông sản Lục Ngạn"})
        connection.execute(NEED, {"ref": "N-1", "title": "Máy sấy vải", "enterprise_id": 1})
    migrations.upgrade(empty_engine)
    with empty_engine.connect() as connection:
        assert migrations.differences(connection) == []
        stored = connection.exec_driver_sql("SELECT valid_until FROM need").scalar_one()
    # created in 2025, yet listed for a whole period from the day of the upgrade
    assert str(stored) == default_valid_until().isoformat()
