"""The shipped seed data: loads, is idempotent, never overwrites what exists, and is as broad
as the mission needs."""

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import delete, update
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, func, select

from matcher.ingest.seed import load_seed
from matcher.ingest.tabular import ImportFailed
from matcher.models import Dossier, Enterprise, Need, Sector
from matcher.models.enums import Confidentiality
from matcher.platform.db import create_tables, make_engine
from matcher.text.vietnamese import has_diacritics
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
    report = load_seed(seeded, SEED)
    seeded.commit()
    assert [_count(seeded, m) for m in (Dossier, Enterprise, Need, Sector)] == before
    assert {kind: n.created for kind, n in report.counts.items()} == {
        "jurisdictions": 0, "sectors": 0, "enterprises": 0, "dossiers": 0, "needs": 0}
    assert [report.counts[k].kept for k in ("dossiers", "enterprises", "needs", "sectors")] \
        == before


@pytest.fixture
def fresh() -> Session:
    """A database of its own with the seed loaded once, for tests that change it."""
    engine = make_engine("sqlite://", poolclass=StaticPool)
    create_tables(engine)
    with Session(engine) as session:
        first = load_seed(session, SEED)
        session.commit()
        assert first.counts["needs"].created > 0 and first.counts["needs"].kept == 0
        yield session


def _public_need(session: Session) -> Need:
    return session.exec(select(Need).where(Need.confidentiality == Confidentiality.public)
                        .order_by(Need.ref)).first()


def test_loading_again_keeps_edits_made_since(fresh: Session):
    need, enterprise = _public_need(fresh), fresh.exec(select(Enterprise)).first()
    sector = fresh.exec(select(Sector).order_by(Sector.code)).first()
    edited_at = enterprise.updated_at
    fresh.exec(update(Need).where(Need.id == need.id)
               .values(confidentiality=Confidentiality.confidential))
    fresh.exec(update(Enterprise).where(Enterprise.id == enterprise.id)
               .values(name="Công ty TNHH Tên Đã Đổi"))
    fresh.exec(update(Sector).where(Sector.code == sector.code).values(name_vi="Lĩnh vực đã sửa"))
    fresh.commit()
    fresh.expire_all()
    report = load_seed(fresh, SEED)
    fresh.commit()
    fresh.expire_all()
    assert fresh.get(Need, need.id).confidentiality is Confidentiality.confidential
    assert fresh.get(Enterprise, enterprise.id).name == "Công ty TNHH Tên Đã Đổi"
    assert fresh.get(Enterprise, enterprise.id).updated_at == edited_at
    assert fresh.get(Sector, sector.code).name_vi == "Lĩnh vực đã sửa"
    assert report.counts["needs"].created == 0
    assert report.counts["needs"].kept == _count(fresh, Need)


def test_loading_again_creates_what_was_deleted(fresh: Session):
    need = _public_need(fresh)
    ref, title, need_id = need.ref, need.title, need.id
    dossier_ref = fresh.exec(select(Dossier.ref).order_by(Dossier.ref)).first()
    sector_code = fresh.exec(select(Sector.code).order_by(Sector.code)).first()
    counts = [_count(fresh, m) for m in (Dossier, Enterprise, Need, Sector)]
    fresh.exec(delete(Need).where(Need.id == need_id))
    fresh.exec(delete(Dossier).where(Dossier.ref == dossier_ref))
    fresh.exec(delete(Sector).where(Sector.code == sector_code))
    fresh.commit()
    fresh.expire_all()
    report = load_seed(fresh, SEED)
    fresh.commit()
    back = fresh.exec(select(Need).where(Need.ref == ref)).one()
    assert back.id != need_id and back.title == title
    assert fresh.exec(select(Dossier).where(Dossier.ref == dossier_ref)).one() is not None
    assert fresh.get(Sector, sector_code) is not None
    assert [_count(fresh, m) for m in (Dossier, Enterprise, Need, Sector)] == counts
    assert (report.counts["needs"].created, report.counts["needs"].kept) == (1, counts[2] - 1)
    assert report.counts["dossiers"].created == report.counts["sectors"].created == 1
    assert f"1 needs created, {counts[2] - 1} kept" in str(report)


def test_a_bad_seed_file_writes_nothing(fresh: Session, tmp_path: Path):
    seed = tmp_path / "seed"
    shutil.copytree(SEED, seed)
    rows = (seed / "needs.jsonl").read_text("utf-8").splitlines()
    first, bad = json.loads(rows[0]), json.loads(rows[1])
    first["ref"], bad["ref"], bad["budget_min_vnd"] = "N-NEW-1", "N-NEW-2", "a lot"
    with (seed / "needs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + json.dumps(first) + "\n" + json.dumps(bad) + "\n")
    before = _count(fresh, Need)
    with pytest.raises(ImportFailed, match="budget_min_vnd"):
        load_seed(fresh, seed)
    fresh.rollback()
    assert _count(fresh, Need) == before
    assert fresh.exec(select(Need).where(Need.ref == "N-NEW-1")).first() is None
