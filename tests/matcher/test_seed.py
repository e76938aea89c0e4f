"""The shipped seed data: loads, is idempotent, and is as broad as the mission needs."""

import json
from collections import Counter

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, func, select

from matcher.db import create_tables, make_engine
from matcher.models import Dossier, Enterprise, Need, Sector
from matcher.seed import load_seed
from matcher.vietnamese import has_diacritics
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seeded() -> Session:
    engine = make_engine("sqlite://", poolclass=StaticPool)
    create_tables(engine)
    with Session(engine) as session:
        load_seed(session, SEED)
        session.commit()
        yield session


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_seed_loads_the_promised_volume(seeded: Session):
    assert _count(seeded, Dossier) >= 300
    assert _count(seeded, Need) >= 120
    with_needs = seeded.exec(select(func.count(func.distinct(Need.enterprise_id)))).one()
    assert with_needs >= 60


def test_seed_covers_every_sector_country_and_size(seeded: Session):
    dossiers = seeded.exec(select(Dossier)).all()
    sectors = {s.code: s for s in seeded.exec(select(Sector)).all()}
    themes = {sectors[c].theme for d in dossiers for c in d.sector_codes}
    assert themes >= {s.theme for s in sectors.values() if s.jurisdiction in ("BG", "HP")}
    assert len({d.origin_country for d in dossiers}) >= 8
    assert Counter(d.language for d in dossiers)["vi"] > 0
    sizes = {e.size_class for e in seeded.exec(select(Enterprise)).all()}
    assert sizes == {"micro", "small", "medium", "large"}
    provinces = {e.jurisdiction for e in seeded.exec(select(Enterprise)).all()}
    assert provinces == {"BG", "HP"}


def test_seed_needs_include_unaccented_and_unanswerable_ones(seeded: Session):
    needs = seeded.exec(select(Need)).all()
    unaccented = [n for n in needs if not has_diacritics(n.problem)]
    assert len(unaccented) >= 10
    labels = [json.loads(line) for line in (SEED / "labels.jsonl").read_text("utf-8").splitlines()
              if line.strip()]
    assert sum(1 for lab in labels if not lab["relevant"]) >= 10


def test_seed_labels_reference_existing_records(seeded: Session):
    refs = {d.ref for d in seeded.exec(select(Dossier)).all()}
    needs = {n.ref for n in seeded.exec(select(Need)).all()}
    for line in (SEED / "labels.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            label = json.loads(line)
            assert label["need"] in needs
            assert set(label["relevant"]) <= refs


def test_loading_the_seed_twice_changes_nothing(seeded: Session):
    before = [_count(seeded, m) for m in (Dossier, Enterprise, Need, Sector)]
    load_seed(seeded, SEED)
    seeded.commit()
    assert [_count(seeded, m) for m in (Dossier, Enterprise, Need, Sector)] == before
