"""One settings object for KetNoi, read from `KETNOI_*` environment variables or `.env`."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REPO_ROOT = Path(__file__).resolve().parents[2]
_PASSWORD = re.compile(r"(://[^/:@]*:)[^@/]*@")  # user:password@ of a URL SQLAlchemy cannot read
_SECRET_PARAMETERS = {"password", "passwd", "sslpassword"}


def masked_url(url: str) -> str:
    """The database URL fit to print or log: its password, in the URL or as a query
    parameter, shown as `***`."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return _PASSWORD.sub(r"\1***@", url)
    query = {k: ("***" if k.lower() in _SECRET_PARAMETERS else v)
             for k, v in parsed.query.items()}
    return parsed.set(query=query).render_as_string(hide_password=True)


class Settings(BaseSettings):
    """Every setting KetNoi reads; each is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="KETNOI_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        Path("data"),
        description="Directory for the SQLite database, the FAISS index and the embedding cache.",
    )
    database_url: str | None = Field(
        None, repr=False,  # it may hold a password: see `shown`
        description="SQLAlchemy URL of the database; default: SQLite file `ketnoi.db` in data_dir. "
        "Use postgresql+psycopg://… for multi-user deployments.",
    )
    database_busy_timeout: float = Field(
        30.0, gt=0,
        description="Seconds a SQLite write waits for another one's lock before giving up; "
        "the API then answers 503 with `Retry-After`.",
    )
    database_lock_timeout: float = Field(
        10.0, ge=0,
        description="PostgreSQL `lock_timeout` in seconds (0: none): how long a statement waits "
        "for a row or table lock before the API answers 503 with `Retry-After`.",
    )
    database_statement_timeout: float = Field(
        60.0, ge=0,
        description="PostgreSQL `statement_timeout` in seconds (0: none): a longer statement is "
        "cancelled and the API answers 503 with `Retry-After`.",
    )
    database_pool_size: int = Field(
        10, ge=1, description="Connections each process keeps open to PostgreSQL."
    )
    database_max_overflow: int = Field(
        30, ge=0,
        description="Connections a process may open to PostgreSQL beyond the pool size when "
        "busy (closed when returned). Pool size + overflow = 40, the number of requests a "
        "worker serves at once (its thread pool): fewer, and requests waiting on the index "
        "lock hold every connection.",
    )
    database_pool_timeout: float = Field(
        10.0, gt=0,
        description="Seconds a request waits for a free PostgreSQL connection before the API "
        "answers 503 with `Retry-After`.",
    )
    seed_dir: Path = Field(
        REPO_ROOT / "seed_data", description="Directory the seed data is loaded from."
    )
    embedder: str = Field(
        "e5",
        description="Embedding backend: `e5` (bundled multilingual-e5-small, offline) or "
        "`sbert:<model name or local path>` (sentence-transformers).",
    )
    exact_index_max: int = Field(
        200_000,
        description="Up to this many vectors the FAISS index is exact (flat); above it, IVF. "
        "Exact search of 200k vectors costs about as much as embedding the query, and IVF "
        "loses recall on cross-lingual queries (benchmarks/README.md).",
    )
    ivf_nprobe: int = Field(32, description="Inverted lists probed per query by the IVF index.")
    restore_diacritics: bool = Field(
        True, description="Restore diacritics of Vietnamese typed without accents before matching."
    )
    min_confidence: float = Field(
        0.844,
        description="Confidence below which a match list is flagged `no confident match`; "
        "calibrated on the seed needs to flag at most 10% of needs that have a match "
        "(see benchmarks/README.md).",
    )
    public_search: bool = Field(
        False,
        description="Allow `GET /search`, `/sectors` and `/jurisdictions` without an API key.",
    )
    secure_cookies: bool = Field(
        False,
        description="Send the web application's session cookie only over HTTPS (set it behind "
        "a TLS proxy; the local `make run` serves plain HTTP).",
    )
    write_rate_limit: str = Field(
        "600/minute",
        description="Writes allowed per API key (e.g. `600/minute`, `20/second`); 429 beyond.",
    )
    rate_limit_storage: str = Field(
        "database",
        description="Where write rate-limit counts are kept: `database` (the application "
        "database, shared by every worker process), `memory` (each process counts alone), or "
        "a `limits` storage URL such as `redis://host:6379` (`pip install 'limits[redis]'`).",
    )
    max_body_bytes: int = Field(
        5_000_000, description="Largest request body accepted, in bytes; 413 beyond."
    )
    index_poll_seconds: float = Field(
        0.25, gt=0, le=60,
        description="How often a server looks for changes other processes wrote (SQLite), or "
        "at most waits for a PostgreSQL NOTIFY; a change is searchable everywhere within it.",
    )
    index_snapshot_seconds: float = Field(
        60.0, gt=0,
        description="Least time between two snapshots of the index (written when it changed).",
    )
    alert_digest_hours: float = Field(
        24.0, gt=0,
        description="Least time between two alerts about one need or saved search: new matches "
        "found meanwhile wait and are sent together (a digest, not one message each).",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server that sends notifications by e-mail; none: no e-mail.")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(False, description="Switch the SMTP connection to TLS first.")
    smtp_user: str | None = Field(None, description="SMTP login, when the server asks for one.")
    smtp_password: str | None = Field(None, repr=False, description="SMTP password (masked).")
    smtp_from: str = Field("ketnoi@localhost", description="Sender address of the e-mails.")
    webhook_url: str | None = Field(
        None, description="URL every notification is POSTed to as JSON (integrations).")
    webhook_secret: str | None = Field(
        None, repr=False,
        description="Key of the HMAC-SHA256 signature of each webhook body, sent in the "
        "`X-KetNoi-Signature: sha256=<hex>` header (masked).",
    )
    delivery_attempts: int = Field(
        8, ge=1, le=50,
        description="Attempts to send one e-mail or webhook call (waiting 1, 2, 4 … minutes "
        "between them) before it is given up and logged; the inbox entry stays.",
    )
    expiry_reminder_days: int = Field(
        14, ge=0, le=180,
        description="Days before a dossier or need leaves search and matching that the alerts "
        "job reminds its owners to renew it (the need's enterprise and brokers; the Department "
        "for a dossier).",
    )
    validity_months: int = Field(
        12, ge=1, le=120,
        description="Months a dossier or need stays listed after it is created or renewed; "
        "an expired one leaves search and matching until it is renewed.",
    )
    host: str = Field("127.0.0.1", description="Address `ketnoi serve` binds to.")
    port: int = Field(8000, description="Port `ketnoi serve` listens on.")

    def shown(self) -> dict[str, Any]:
        """The settings as `ketnoi settings` prints them: JSON values, with the password of
        the database URL masked."""
        values = self.model_dump(mode="json")
        if self.database_url:
            values["database_url"] = masked_url(self.database_url)
        for secret in ("smtp_password", "webhook_secret"):
            if values.get(secret):
                values[secret] = "***"
        return values

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'ketnoi.db'}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
