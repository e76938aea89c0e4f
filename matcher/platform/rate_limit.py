"""Rate-limit counts kept in the application database, so that every worker process (and every
machine) serving one database shares one budget per key.

`DatabaseStorage` is a storage of the `limits` library for its moving-window strategy: each
counted hit is a row (`RateLimitHit`: key, time); a hit is allowed when fewer than `limit` rows
of its key are younger than the window. The check and the insert run in one transaction under
the key's lock (SQLite: the database write lock; PostgreSQL: an advisory lock per key), so two
processes never both take the last place. Old rows of a key are deleted as it is hit.
"""

import time
import zlib
from typing import Any

from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, SQLModel


class RateLimitHit(SQLModel, table=True):
    """One counted hit of a rate-limit key (e.g. one write of an API key)."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, index=True)
    at: float = Field(description="When, in seconds since the epoch.")


HITS: Table = RateLimitHit.__table__  # type: ignore[attr-defined]


class DatabaseStorage(Storage, MovingWindowSupport):
    """A `limits` storage on a SQLAlchemy engine (moving window only)."""

    STORAGE_SCHEME = ["ketnoi+database"]

    def __init__(self, engine: Engine, **options: Any) -> None:
        super().__init__(None, **options)
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count `amount` hits of `key` if fewer than `limit` remain in the last `expiry`
        seconds after them; say whether they were counted."""
        if amount > limit:
            return False
        now = time.time()
        with self.engine.connect() as connection:
            with connection.begin():
                self._lock(connection, key)
                connection.execute(delete(HITS).where(
                    HITS.c.key == key, HITS.c.at <= now - expiry))
                taken = connection.execute(select(func.count()).where(
                    HITS.c.key == key)).scalar_one()
                if taken + amount > limit:
                    return False
                connection.execute(insert(HITS), [{"key": key, "at": now}] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """The time of the oldest hit of `key` in the window (now, if none) and the number
        of hits in it."""
        now = time.time()
        with self.engine.connect() as connection:
            oldest, count = connection.execute(
                select(func.min(HITS.c.at), func.count()).where(
                    HITS.c.key == key, HITS.c.at > now - expiry)).one()
        return (oldest if oldest is not None else now), count

    @staticmethod
    def _lock(connection: Connection, key: str) -> None:
        """Serialise the hits of `key` across processes until the transaction ends."""
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                               {"k": zlib.crc32(key.encode("utf-8"))})

    def clear(self, key: str) -> None:
        """Forget the hits of `key`."""
        with self.engine.begin() as connection:
            connection.execute(delete(HITS).where(HITS.c.key == key))

    def reset(self) -> int | None:
        """Forget every hit; return how many there were."""
        with self.engine.begin() as connection:
            return connection.execute(delete(HITS)).rowcount

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("DatabaseStorage implements the moving window strategy only")

    def get(self, key: str) -> int:
        raise NotImplementedError("DatabaseStorage implements the moving window strategy only")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError("DatabaseStorage implements the moving window strategy only")
