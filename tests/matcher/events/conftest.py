"""Fixtures for the event tests: a fresh in-memory database per test and a small event."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from matcher.events.models import Meeting, MeetingStatus
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


@pytest.fixture
def meeting(db: Session, world: World) -> Meeting:
    """A meeting scheduled at the event: the first supplier and the first enterprise."""
    row = Meeting(event_id=world.event.id, supplier_participant_id=world.suppliers[0].id,
                  enterprise_participant_id=world.enterprises[0].id, slot=1, table=1,
                  status=MeetingStatus.scheduled)
    db.add(row)
    db.commit()
    db.refresh(row)
    return row
