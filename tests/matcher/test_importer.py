"""Imports are all-or-nothing per file and name the bad row and field."""

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, func, select

from matcher.db import create_tables, make_engine
from matcher.importer import ImportFailed, import_records, read_rows
from matcher.models import Dossier, Enterprise, Need
from matcher.seed import load_sectors
from tests.conftest import SEED
from tests.factories import dossier_payload, enterprise_payload, need_payload


@pytest.fixture
def db() -> Session:
    engine = make_engine("sqlite://", poolclass=StaticPool)
    create_tables(engine)
    with Session(engine) as session:
        load_sectors(session, SEED / "sectors.json")
        session.commit()
        yield session


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    return path


def test_one_bad_row_writes_nothing_and_names_row_and_field(db: Session, tmp_path: Path):
    rows = [dossier_payload(), dossier_payload(origin_country="XX"), dossier_payload()]
    with pytest.raises(ImportFailed) as failure:
        import_records(db, "dossiers", read_rows(_jsonl(tmp_path / "d.jsonl", rows)))
    assert [str(e) for e in failure.value.errors] == [
        "row 2, field 'origin_country': Value error, 'XX' is not an ISO 3166-1 alpha-2 "
        "country code"]
    db.rollback()
    assert _count(db, Dossier) == 0


def test_unknown_sector_code_is_named(db: Session):
    with pytest.raises(ImportFailed, match=r"row 1, field 'sector_codes': unknown sector"):
        import_records(db, "dossiers", [dossier_payload(sector_codes=["BG-z"])])


def test_csv_import_with_list_cells(db: Session, tmp_path: Path):
    row = dossier_payload(sector_codes="VN-04;VN-07", keywords="heat pump, drying",
                          transfer_modes="licence")
    path = tmp_path / "d.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    report = import_records(db, "dossiers", read_rows(path))
    dossier = db.get(Dossier, report.created[0])
    assert dossier.sector_codes == ["VN-04", "VN-07"]
    assert dossier.keywords == ["heat pump", "drying"]


def test_xlsx_import_of_enterprises_then_needs_by_tax_code(db: Session, tmp_path: Path):
    enterprise = enterprise_payload()
    book = Workbook()
    sheet = book.active
    sheet.append(list(enterprise))
    sheet.append(list(enterprise.values()))
    book.save(tmp_path / "e.xlsx")
    import_records(db, "enterprises", read_rows(tmp_path / "e.xlsx"))
    need = need_payload(0, enterprise_tax_code=enterprise["tax_code"])
    del need["enterprise_id"]
    report = import_records(db, "needs", [need])
    stored = db.get(Need, report.created[0])
    assert db.get(Enterprise, stored.enterprise_id).tax_code == enterprise["tax_code"]


def test_bad_tax_code_and_missing_enterprise_are_named(db: Session):
    with pytest.raises(ImportFailed, match=r"row 1, field 'tax_code': Value error, tax code "
                                           r"'2400000001' has a wrong check digit"):
        import_records(db, "enterprises", [enterprise_payload(tax_code="2400000001")])
    need = need_payload(0, enterprise_tax_code="0100109106")
    del need["enterprise_id"]
    with pytest.raises(ImportFailed, match="no enterprise with tax code '0100109106'"):
        import_records(db, "needs", [need])


def test_duplicate_keys_in_file_and_database(db: Session):
    first = dossier_payload(ref="D-1")
    import_records(db, "dossiers", [first])
    db.commit()
    with pytest.raises(ImportFailed) as failure:
        import_records(db, "dossiers", [dossier_payload(ref="D-2"), dossier_payload(ref="D-2"),
                                        dossier_payload(ref="D-1")])
    assert [str(e) for e in failure.value.errors] == [
        "row 2, field 'ref': 'D-2' repeats row 1",
        "row 3, field 'ref': 'D-1' already exists",
    ]


def test_upsert_updates_instead_of_failing(db: Session):
    import_records(db, "dossiers", [dossier_payload(ref="D-9", title="Old title")])
    report = import_records(db, "dossiers", [dossier_payload(ref="D-9", title="New title")],
                            upsert=True)
    assert report.created == [] and len(report.updated) == 1
    assert db.get(Dossier, report.updated[0]).title == "New title"


def test_broken_encoding_is_rejected(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_bytes("title\nM\xe1y s\xe2y\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match="not UTF-8"):
        read_rows(path)


def test_invalid_json_line_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "ok"}\n{"title": \n', "utf-8")
    with pytest.raises(ImportFailed, match="row 2, field '-': invalid JSON"):
        read_rows(path)
