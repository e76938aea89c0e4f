"""Ledger fixtures: a fresh in-memory database per test and the small world of world.py."""

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.matcher.ledger.world import World, build_world, ledger_engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    built = ledger_engine()
    yield built
    built.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
