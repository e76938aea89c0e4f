"""A throwaway PostgreSQL server for the tests, and fresh databases on it.

`KETNOI_TEST_DATABASE=postgresql` makes the tests start their own cluster: `initdb` into a new
temporary directory and `pg_ctl start` listening on a Unix socket in that directory only (no TCP
port, so parallel runs never collide). PostgreSQL refuses to run as root, so as root both run
as the `postgres` user (which Debian's `postgresql` package creates) through `runuser`. The
server is tuned for throwaway data (no fsync) and stopped, its directory removed, at the end.

`KETNOI_TEST_DATABASE=postgresql+psycopg://user@host/db` uses an existing server instead (the
user must be allowed to create databases).

Every test gets a database copied from one template (`CREATE DATABASE … TEMPLATE`), which the
Alembic migrations built once: the tests run on the schema the migrations make. A copy takes
about 0.35 s of the server's time, so the next copies are made in a background thread while
a test runs.
"""

import itertools
import os
import shutil
import subprocess
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
TEMPLATE = "ketnoi_template"
AHEAD = 2  # databases copied in advance


def _pg_tool(name: str) -> str:
    """The path of a PostgreSQL server program (Debian keeps them off the PATH)."""
    found = shutil.which(name) or next(
        (str(d / name) for d in PG_BIN_DIRS if (d / name).exists()), None)
    if found is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql) "
                           "or set KETNOI_TEST_DATABASE to the URL of a server")
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    """`argv` run as the `postgres` user when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class Server:
    """A PostgreSQL cluster started in a temporary directory, reachable by its Unix socket."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ketnoi-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        subprocess.run(_as_server_user([_pg_tool("initdb"), "-D", str(data), "-U", "postgres",
                                        "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                                        "--no-sync"]),
                       check=True, capture_output=True)
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=300")
        subprocess.run(_as_server_user([_pg_tool("pg_ctl"), "-D", str(data), "-w", "-s",
                                        "-l", str(self.dir / "log"), "-o", options, "start"]),
                       check=True)
        self.admin_url = f"postgresql+psycopg://postgres@/postgres?host={self.dir}"

    def stop(self) -> None:
        """Stop the server at once and remove its directory."""
        subprocess.run(_as_server_user([_pg_tool("pg_ctl"), "-D", str(self.dir / "data"),
                                        "-m", "immediate", "-s", "stop"]), check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


class Databases:
    """Fresh databases on one server, each a copy of the migrated template."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self._names = (f"ketnoi_test_{os.getpid()}_{n}" for n in itertools.count())
        self.template = self._build_template()
        self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-template")
        self._ready: deque[Future[str]] = deque()

    def url(self, name: str) -> str:
        """The URL of database `name` on the server (password included)."""
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self._admin.connect() as connection:
            connection.execute(text(sql))

    def _build_template(self) -> str:
        """Create the template database with the migrations (once per test session)."""
        from matcher.platform.db import create_tables, make_engine

        name = f"{TEMPLATE}_{os.getpid()}"
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._execute(f'CREATE DATABASE "{name}"')
        engine = make_engine(self.url(name))
        try:
            create_tables(engine)
        finally:
            engine.dispose()
        return name

    def _copy(self, name: str) -> str:
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url(name)

    def create(self, empty: bool = False) -> str:
        """A new database with the migrated schema and no rows (or, `empty`, without any
        table); returns its URL."""
        if empty:
            name = next(self._names)
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            return self.url(name)
        while len(self._ready) <= AHEAD:
            self._ready.append(self._copier.submit(self._copy, next(self._names)))
        return self._ready.popleft().result()

    def drop(self, url: str, engine: Engine | None = None) -> None:
        """Drop the database of `url` (closing `engine`'s connections and any left open)."""
        if engine is not None:
            engine.dispose()
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the databases copied in advance and the template; close the admin connection."""
        self._copier.shutdown(wait=True)
        for ready in self._ready:
            self.drop(ready.result())
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._admin.dispose()
