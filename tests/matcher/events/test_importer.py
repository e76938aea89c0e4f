"""Participant import: CSV and XLSX, refs resolved, all or nothing with row and field errors."""

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select

from matcher.auth.policy import SYSTEM
from matcher.events import importer
from matcher.events.importer import import_file, parse_slots
from matcher.events.models import Participant
from matcher.ingest.tabular import ImportFailed
from tests.matcher.events.world import World

HEADER = "ref,kind,name,organisation,dossier_ref,need_ref,available_slots,max_meetings\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "participants.csv"
    path.write_text(HEADER + text, "utf-8")
    return path


def test_parse_slots_reads_ranges_and_lists() -> None:
    assert parse_slots("1-3, 7;9") == [1, 2, 3, 7, 9]
    assert parse_slots(4) == [4]
    with pytest.raises(ValueError, match="runs backwards"):
        parse_slots("5-2")


def test_import_csv_creates_participants_with_refs_resolved(db: Session, world: World,
                                                            tmp_path: Path) -> None:
    dossier, need = world.dossiers[0], world.needs[1]
    path = write(tmp_path, f"X1,supplier,Kim,Hanbit,{dossier.ref},,1-2,5\n"
                           f"X2,Enterprise,Lan,,,{need.ref},,\n")
    report = import_file(db, world.event, path, policy=SYSTEM)
    db.commit()
    rows = {p.ref: p for p in db.exec(select(Participant).where(
        Participant.id.in_(report.created))).all()}  # type: ignore[union-attr]
    assert rows["X1"].dossier_id == dossier.id
    assert rows["X1"].available_slots == [1, 2]
    assert rows["X1"].max_meetings == 5
    assert rows["X2"].enterprise_id == need.enterprise_id
    assert rows["X2"].available_slots == []


def test_import_is_all_or_nothing_with_row_and_field_errors(db: Session, world: World,
                                                            tmp_path: Path) -> None:
    path = write(tmp_path, f"X1,supplier,Kim,,{world.dossiers[0].ref},,,\n"
                           "X2,supplier,Lee,,NO-SUCH,,,\n"
                           f"X3,enterprise,Lan,,,{world.needs[0].ref},9,\n"
                           "X1,visitor,An,,,,,\n")
    before = len(db.exec(select(Participant)).all())
    with pytest.raises(ImportFailed) as failure:
        import_file(db, world.event, path, policy=SYSTEM)
    messages = [str(e) for e in failure.value.errors]
    assert "row 2, field 'dossier_ref': no dossier with ref 'NO-SUCH'" in messages
    assert "row 3, field 'available_slots': slot(s) [9] beyond the event's 4 slots" in messages
    assert any(m.startswith("row 4, field 'kind'") for m in messages)
    db.rollback()
    assert len(db.exec(select(Participant)).all()) == before


def test_import_xlsx_updates_an_existing_ref(db: Session, world: World, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["ref", "kind", "name", "dossier_id", "max_meetings"])
    sheet.append(["S0", "supplier", "Renamed supplier", world.dossiers[0].id, 2])
    path = tmp_path / "participants.xlsx"
    book.save(path)
    report = import_file(db, world.event, path, policy=SYSTEM)
    assert report.updated == [world.suppliers[0].id]
    db.refresh(world.suppliers[0])
    assert (world.suppliers[0].name, world.suppliers[0].max_meetings) == ("Renamed supplier", 2)


def test_a_ref_used_by_two_enterprises_asks_for_the_need_id(db: Session, world: World,
                                                            tmp_path: Path) -> None:
    """Need refs are unique per enterprise: a ref two enterprises use is one clear error, not
    a second one about the id it could not give."""
    first, second = world.needs[0], world.needs[1]
    second.ref = first.ref
    db.add(second)
    db.commit()
    with pytest.raises(ImportFailed) as failure:
        import_file(db, world.event, write(tmp_path, f"X3,enterprise,Lan,,,{first.ref},,\n"),
                    policy=SYSTEM)
    assert [str(e) for e in failure.value.errors] == [
        f"row 1, field 'need_ref': ref '{first.ref}' names needs of 2 enterprises; give need_id"]


def test_import_beyond_the_row_cap_is_refused_naming_it(db: Session, world: World,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "MAX_IMPORT_ROWS", 3)
    rows = "".join(f"X{i},supplier,Kim {i},,{world.dossiers[0].ref},,,\n" for i in range(4))
    before = len(db.exec(select(Participant)).all())
    with pytest.raises(importer.TooManyRows) as refused:
        import_file(db, world.event, write(tmp_path, rows), policy=SYSTEM)
    assert str(refused.value) == ("the file has 4 rows; an import takes at most 3 "
                                  "(MAX_IMPORT_ROWS): split it into several files")
    assert len(db.exec(select(Participant)).all()) == before


def test_import_writes_in_batches_within_the_callers_transaction(
        db: Session, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    flushes = []
    monkeypatch.setattr(db, "flush", lambda *a, _flush=db.flush: flushes.append(1) or _flush())
    rows = "".join(f"X{i},supplier,Kim {i},,{world.dossiers[0].ref},,,\n" for i in range(5))
    before = len(db.exec(select(Participant)).all())
    report = import_file(db, world.event, write(tmp_path, rows), policy=SYSTEM)
    assert len(report.created) == 5 and report.created == sorted(report.created)
    assert len(flushes) >= 3  # 5 rows, 2 a batch
    db.rollback()  # nothing was committed: the caller's one transaction holds every batch
    assert len(db.exec(select(Participant)).all()) == before
