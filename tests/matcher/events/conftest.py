"""Fixtures for the event tests: a fresh in-memory database per test and a small event."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from tests.matcher.events.world import World, build_world, memory_engine


@pytest.fixture
def db() -> Iterator[Session]:
    engine = memory_engine()
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def world(db: Session) -> World:
    return build_world(db)
