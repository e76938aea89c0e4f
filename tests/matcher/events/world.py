"""Small event worlds for tests: a jurisdiction, dossiers, enterprises with needs, an event."""

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

import matcher.events.models  # noqa: F401  (registers the event tables)
from matcher.events.models import Event, EventCreate, Participant, ParticipantKind
from matcher.models import Dossier, Enterprise, Jurisdiction, Need
from matcher.platform.db import create_tables, make_engine
from tests.factories import dossier_payload, enterprise_payload, need_payload


def memory_engine() -> Engine:
    """A fresh in-memory SQLite database with every table."""
    engine = make_engine("sqlite://", poolclass=StaticPool)
    create_tables(engine)
    return engine


def event_payload(slots: int = 4, tables: int = 2, **overrides) -> dict:
    data = {
        "name": "Techmart Bắc Giang 2026",
        "jurisdiction": "BG",
        "venue": "Nhà văn hoá tỉnh",
        "starts_on": "2026-11-24",
        "ends_on": "2026-11-24",
        "meeting_minutes": 30,
        "slot_starts": [f"2026-11-24T{9 + (i * 30 + (15 if i >= 2 else 0)) // 60:02d}:"
                        f"{(i * 30 + (15 if i >= 2 else 0)) % 60:02d}" for i in range(slots)],
        "table_count": tables,
    }
    data.update(overrides)
    return data


@dataclass
class World:
    event: Event
    suppliers: list[Participant] = field(default_factory=list)
    enterprises: list[Participant] = field(default_factory=list)
    dossiers: list[Dossier] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)


def build_world(session: Session, suppliers: int = 3, enterprises: int = 4, slots: int = 4,
                tables: int = 2, max_meetings: int = 3) -> World:
    """Records for every participant, and the participants registered for one event."""
    if session.get(Jurisdiction, "BG") is None:
        session.add(Jurisdiction(code="BG", name="Bắc Giang"))
    event = Event.model_validate(EventCreate.model_validate(event_payload(slots, tables)))
    session.add(event)
    session.flush()
    world = World(event)
    for i in range(suppliers):
        dossier = Dossier.model_validate(dossier_payload(title=f"Technology {i}"))
        session.add(dossier)
        session.flush()
        world.dossiers.append(dossier)
        world.suppliers.append(Participant(
            event_id=event.id, ref=f"S{i}", kind=ParticipantKind.supplier, name=f"Supplier {i}",
            organisation=f"Org {i}", dossier_id=dossier.id, max_meetings=max_meetings))
    for i in range(enterprises):
        enterprise = Enterprise.model_validate(enterprise_payload(name=f"Công ty {i}"))
        session.add(enterprise)
        session.flush()
        data = need_payload(enterprise.id, title=f"Nhu cầu {i}")
        need = Need.model_validate(data)
        session.add(need)
        session.flush()
        world.needs.append(need)
        world.enterprises.append(Participant(
            event_id=event.id, ref=f"E{i}", kind=ParticipantKind.enterprise,
            name=f"Enterprise {i}", need_id=need.id, enterprise_id=enterprise.id,
            max_meetings=max_meetings))
    session.add_all(world.suppliers + world.enterprises)
    session.commit()
    for record in [event, *world.suppliers, *world.enterprises]:
        session.refresh(record)
    return world
