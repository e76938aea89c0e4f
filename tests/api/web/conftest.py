"""Fixtures of the web application's tests.

`site` is a real KetNoi server for the whole session: the seed data in a SQLite file, indexed
with the bundled e5 model, served by uvicorn on a free port of 127.0.0.1, with one user per
role. `browser` is Debian's Chromium, driven headless by Playwright (no browser download:
`apt-get install chromium`). Tests that drive it are marked `browser`.

`web` is a TestClient on a fresh empty database, for what needs no browser (CSRF, throttling,
the page rules); `login(client, runtime, role)` logs such a client in.
"""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlmodel import select

from matcher.auth.models import Role
from matcher.auth.users import create_user
from matcher.ingest.seed import load_seed
from matcher.ledger.seed import seed_ledger
from matcher.models import Enterprise
from matcher.platform.config import REPO_ROOT, Settings
from matcher.platform.db import session_scope
from matcher.platform.runtime import Runtime, build_runtime
from tests.conftest import SEED
from tests.factories import enterprise_payload

PASSWORD = "mat-khau-thu-nghiem"  # every test user's password
CHROMIUM = os.environ.get("KETNOI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a headless Chromium on a machine without internet, run as root in CI (see
# FINDINGS.md): no sandbox for root, and no background connections that would be refused.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
EMBEDDINGS_KEPT = REPO_ROOT / ".pytest_cache" / "ketnoi-seed-embeddings.sqlite"
SCREENSHOTS = Path(os.environ.get("KETNOI_SCREENSHOTS", REPO_ROOT / "docs" / "screenshots"))


@dataclass
class Site:
    """A running server with the seed data, and the e-mail of one user per role."""

    url: str
    runtime: Runtime
    users: dict[str, str] = field(default_factory=dict)  # role → e-mail


def add_users(runtime: Runtime, suffix: str = "") -> dict[str, str]:
    """One user per role (Bắc Giang for the broker and the organiser; the enterprise user for
    the first seed enterprise of Bắc Giang); returns role → e-mail."""
    emails = {role.value: f"{role.value}{suffix}@test.ketnoi" for role in Role}
    with session_scope(runtime.engine) as session:
        enterprise = session.exec(select(Enterprise).where(Enterprise.jurisdiction == "BG")
                                  .order_by(Enterprise.id)).first()  # type: ignore[arg-type]
        scope: dict[str, dict] = {
            "admin": {}, "intermediary": {"jurisdiction": "BG"},
            "organiser": {"jurisdiction": "BG"},
            "enterprise": {"enterprise_id": enterprise.id if enterprise else None}}
        for role, email in emails.items():
            if role == "enterprise" and enterprise is None:
                continue
            create_user(session, email, f"Người dùng {role}", f"Tổ chức {role}", role, PASSWORD,
                        **scope[role])
    return emails


def serve(app, host: str = "127.0.0.1") -> tuple[uvicorn.Server, threading.Thread, str]:
    """Run `app` with uvicorn in a thread on a free port; returns the server, its thread and
    its base URL once it accepts connections."""
    sock = socket.socket()
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return server, thread, f"http://{host}:{port}"


def keep_embeddings(path: Path) -> None:
    """Keep the seed's vectors for the next run (in pytest's cache folder, not committed)."""
    import sqlite3

    EMBEDDINGS_KEPT.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(path)
    target = sqlite3.connect(EMBEDDINGS_KEPT)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


@pytest.fixture(scope="session")
def site(e5, tmp_path_factory) -> Iterator[Site]:
    """The seeded server (SQLite file, real index), shared by the browser tests."""
    from api.main import create_app

    data = tmp_path_factory.mktemp("site")
    # The seed's vectors from an earlier run, if any (keyed by model and text, so they are the
    # vectors the model would give): the index is still built and checked in full each time.
    if EMBEDDINGS_KEPT.exists():
        shutil.copy(EMBEDDINGS_KEPT, data / "embeddings.sqlite")
    settings = Settings(data_dir=data, seed_dir=SEED, _env_file=None)
    runtime = build_runtime(settings, embedder=e5)
    with session_scope(runtime.engine) as session:
        load_seed(session, SEED)
        seed_ledger(session, SEED)
    runtime.sync()
    keep_embeddings(data / "embeddings.sqlite")
    users = add_users(runtime)
    server, thread, url = serve(create_app(runtime))
    try:
        yield Site(url, runtime, users)
    finally:
        server.should_exit = True
        thread.join(10)
        runtime.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium "
                    "(or set KETNOI_CHROMIUM)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site):
    """A fresh browser context (no cookies) on a desktop-sized window."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  base_url=site.url)
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def log_in(page, site: Site, role: str) -> None:
    """Log in through the login form as the site's user of `role`."""
    page.goto("/web/login")
    page.get_by_label("E-mail").fill(site.users[role])
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/web/**")


def screenshot(page, name: str) -> Path:
    """Save what the window shows of the page (its first 900 px: the README's pictures stay
    small) as `docs/screenshots/<name>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture
def web(runtime: Runtime) -> Iterator[TestClient]:
    """A client of the web application on the test's fresh database, logged in as nobody."""
    from api.main import create_app

    with TestClient(create_app(runtime), follow_redirects=False) as client:
        yield client


def login(client: TestClient, runtime: Runtime, role: str = "admin", **scope) -> str:
    """Create a user of `role` and log `client` in as them; returns the page's CSRF token."""
    email = f"{role}-{len(client.cookies)}-{time.monotonic_ns()}@test.ketnoi"
    with session_scope(runtime.engine) as session:
        if role == "enterprise" and "enterprise_id" not in scope:
            found = session.exec(select(Enterprise.id)).first()
            if found is None:
                made = Enterprise(**enterprise_payload())
                session.add(made)
                session.flush()
                found = made.id
            scope["enterprise_id"] = found
        if role in ("intermediary", "organiser"):
            scope.setdefault("jurisdiction", "BG")
        create_user(session, email, f"Người dùng {role}", "Tổ chức", role, PASSWORD, **scope)
    answer = client.post("/web/login", data={"email": email, "password": PASSWORD,
                                             "next": "/web/"})
    assert answer.status_code == 303, answer.text
    return csrf_of(client)


def csrf_of(client: TestClient) -> str:
    """The CSRF token the logged-in client's forms carry."""
    import re

    text = client.get("/web/account").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert found, "no CSRF token on the account page"
    return found.group(1)
