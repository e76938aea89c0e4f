"""Imports are all-or-nothing per file and name the bad row and field."""

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, func, select

from matcher.ingest.importer import import_records
from matcher.ingest.seed import load_sectors
from matcher.ingest.tabular import ImportFailed, read_rows
from matcher.models import Dossier, Enterprise, Need
from matcher.platform.db import create_tables, make_engine, session_scope
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


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(_count(session, model) for model in (Dossier, Enterprise, Need))


def _csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _dossier_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    return _csv(path, list(rows[0]), [list(r.values()) for r in rows], encoding)


@pytest.fixture
def stocked(db: Session) -> Session:
    """The database with a dossier, an enterprise and a need already committed."""
    enterprise = enterprise_payload()
    import_records(db, "dossiers", [dossier_payload()])
    import_records(db, "enterprises", [enterprise])
    import_records(db, "needs", [need_payload(1)])
    db.commit()
    assert _counts(db) == (1, 1, 1)
    return db


def _rejected(db: Session, kind: str, path: Path) -> list[str]:
    """Import `path` as `ketnoi import` does (one transaction, rolled back on error) and return
    the error lines, having checked that the database holds exactly what it held before."""
    before = _counts(db)
    with pytest.raises(ImportFailed) as failure:
        with session_scope(db.get_bind()) as session:
            import_records(session, kind, read_rows(path))
    assert _counts(db) == before
    return [str(e) for e in failure.value.errors]


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


def test_need_refs_are_unique_within_their_enterprise(db: Session):
    first, second = (import_records(db, "enterprises", [enterprise_payload()]).created[0]
                     for _ in range(2))
    import_records(db, "needs", [need_payload(first, ref="N-1")])
    report = import_records(db, "needs", [need_payload(second, ref="N-1")])
    assert len(report.created) == 1  # another enterprise's ref is free
    with pytest.raises(ImportFailed, match="'N-1' already exists"):
        import_records(db, "needs", [need_payload(first, ref="N-1")])
    updated = import_records(db, "needs", [need_payload(second, ref="N-1", title="Mới")],
                             upsert=True)
    assert db.get(Need, updated.updated[0]).enterprise_id == second


def test_upsert_updates_instead_of_failing(db: Session):
    import_records(db, "dossiers", [dossier_payload(ref="D-9", title="Old title")])
    report = import_records(db, "dossiers", [dossier_payload(ref="D-9", title="New title")],
                            upsert=True)
    assert report.created == [] and len(report.updated) == 1
    assert db.get(Dossier, report.updated[0]).title == "New title"


def test_invalid_json_line_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "ok"}\n{"title": \n', "utf-8")
    with pytest.raises(ImportFailed, match="row 2, field '-': invalid JSON"):
        read_rows(path)


# "Máy sấy" as Windows-1258 writes it (combining acute 0xEC), as a Vietnamese Excel saves CSV.
CP1258_TITLE = b"M\xe1y s\xe2\xecy"


def test_csv_in_windows_1258_is_rejected_naming_row_and_field(stocked: Session, tmp_path: Path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"ref,title,origin_country\r\nD-1,Heat pump,KR\r\n"
                     b"D-2," + CP1258_TITLE + b",KR\r\n")
    assert _rejected(stocked, "dossiers", path) == [
        "row 2, field 'title': not UTF-8 text (byte 0xe1 in 'M\\xe1y s\\xe2\\xecy'): "
        "save the file as UTF-8"]


def test_jsonl_with_invalid_utf8_is_rejected_naming_row_and_field(stocked: Session,
                                                                  tmp_path: Path):
    good = json.dumps(dossier_payload(), ensure_ascii=False).encode("utf-8")
    bad = json.dumps(dossier_payload(summary="@@")).encode("utf-8").replace(b"@@", CP1258_TITLE)
    path = tmp_path / "d.jsonl"
    path.write_bytes(good + b"\n" + bad + b"\n" + good.replace(b"T-D-", b"T-D-9"))
    errors = _rejected(stocked, "dossiers", path)
    assert errors == ["row 2, field 'summary': not UTF-8 text (byte 0xe1 in "
                      "'M\\xe1y s\\xe2\\xecy'): save the file as UTF-8"]


def test_csv_with_utf8_byte_order_mark_is_accepted(db: Session, tmp_path: Path):
    row = dossier_payload(ref="D-BOM", title="Máy sấy vải thiều", language="vi",
                          sector_codes="VN-04", keywords="sấy", transfer_modes="licence")
    path = _dossier_csv(tmp_path / "d.csv", [row], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfref,")
    report = import_records(db, "dossiers", read_rows(path))
    stored = db.get(Dossier, report.created[0])
    assert (stored.ref, stored.title) == ("D-BOM", "Máy sấy vải thiều")


def test_nul_character_is_rejected_naming_row_and_field(stocked: Session, tmp_path: Path):
    rows = [dossier_payload(), dossier_payload(summary="Dryer\x00 for fruit")]
    csv_errors = _rejected(stocked, "dossiers", _dossier_csv(tmp_path / "d.csv", rows))
    jsonl_errors = _rejected(stocked, "dossiers", _jsonl(tmp_path / "d.jsonl", rows))
    assert csv_errors == jsonl_errors == ["row 2, field 'summary': contains a NUL character"]


def test_missing_required_columns_are_rejected_before_any_row(stocked: Session,
                                                               tmp_path: Path):
    rows = [["D-1", "A summary"], ["D-2", "Another summary"]]
    path = _csv(tmp_path / "d.csv", ["ref", "summary"], rows)
    assert _rejected(stocked, "dossiers", path) == [
        "row 0, field 'title': required column is missing",
        "row 0, field 'origin_country': required column is missing",
    ]


def test_needs_without_an_enterprise_column_are_rejected(stocked: Session, tmp_path: Path):
    need = need_payload(1)
    del need["enterprise_id"]
    assert _rejected(stocked, "needs", _jsonl(tmp_path / "n.jsonl", [need, need])) == [
        "row 0, field 'enterprise_tax_code': required column is missing "
        "(or give enterprise_id)"]


def test_unknown_columns_are_rejected_with_a_suggestion(stocked: Session, tmp_path: Path):
    row = dossier_payload(titel="Typo", colour="red")
    assert _rejected(stocked, "dossiers", _dossier_csv(tmp_path / "d.csv", [row])) == [
        "row 0, field 'colour': unknown column",
        "row 0, field 'titel': unknown column (did you mean 'title'?)",
    ]


def test_values_outside_the_header_and_repeated_columns_are_rejected(stocked: Session,
                                                                      tmp_path: Path):
    ragged = _csv(tmp_path / "r.csv", ["title", "origin_country"],
                  [["Dryer", "KR"], ["Heat, pump dryer", "KR", "spill"]])
    assert _rejected(stocked, "dossiers", ragged) == [
        "row 2, field '-': a value in column 3, which has no header"]
    twice = _csv(tmp_path / "t.csv", ["title", "origin_country", "title"], [["A", "KR", "B"]])
    assert _rejected(stocked, "dossiers", twice) == [
        "row 0, field 'title': column appears more than once in the header"]


def test_xlsx_formula_cell_is_rejected_naming_row_and_column(stocked: Session, tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet.append(["ref", "title", "summary", "origin_country"])
    sheet.append(["D-1", "Heat-pump dryer", "Dries fruit.", "KR"])
    sheet.append(["D-2", "Biogas digester", '=HYPERLINK("http://x.example/a","Click")', "KR"])
    book.save(tmp_path / "d.xlsx")
    assert _rejected(stocked, "dossiers", tmp_path / "d.xlsx") == [
        "row 2, field 'summary': cell C3 holds a formula "
        "('=HYPERLINK(\"http://x.example/a\",\"Click\")'): import values only"]


def test_text_starting_like_a_formula_is_rejected(stocked: Session, tmp_path: Path):
    rows = [dossier_payload(title="=1+2"), dossier_payload(summary=" @SUM(A1:A9)"),
            dossier_payload(supplier_contact='+HYPERLINK("http://x")'),
            dossier_payload(keywords=["drying", "=cmd|' /C calc'!A0"])]
    assert _rejected(stocked, "dossiers", _jsonl(tmp_path / "d.jsonl", rows)) == [
        "row 1, field 'title': '=1+2' starts like a spreadsheet formula: text may not start "
        "with =, @ or + (except + before a number)",
        "row 2, field 'summary': ' @SUM(A1:A9)' starts like a spreadsheet formula: text may "
        "not start with =, @ or + (except + before a number)",
        "row 3, field 'supplier_contact': '+HYPERLINK(\"http://x\")' starts like a spreadsheet "
        "formula: text may not start with =, @ or + (except + before a number)",
        "row 4, field 'keywords': '=cmd|' /C calc'!A0' starts like a spreadsheet formula: text "
        "may not start with =, @ or + (except + before a number)",
    ]


def test_a_formula_after_a_leading_tab_or_return_is_rejected(stocked: Session,
                                                            tmp_path: Path):
    rows = [dossier_payload(title="\t=1+2"), dossier_payload(summary="\r@SUM(A1:A9)"),
            dossier_payload(keywords=["\r\n+HYPERLINK(\"http://x\")"])]
    assert [e.split(":")[0] for e in _rejected(stocked, "dossiers",
                                               _jsonl(tmp_path / "d.jsonl", rows))] == [
        "row 1, field 'title'", "row 2, field 'summary'", "row 3, field 'keywords'"]


def test_phone_numbers_bullets_and_negative_numbers_are_kept_as_written(db: Session,
                                                                        tmp_path: Path):
    row = dossier_payload(supplier_contact="+84 24 3825 1234",
                          advantages="- Tiết kiệm điện\n- Giữ màu quả", req_skills="+(84) 912",
                          sector_codes="VN-04", keywords="drying", transfer_modes="licence")
    report = import_records(db, "dossiers", read_rows(_dossier_csv(tmp_path / "d.csv", [row])))
    stored = db.get(Dossier, report.created[0])
    assert stored.supplier_contact == "+84 24 3825 1234"
    assert stored.advantages == "- Tiết kiệm điện\n- Giữ màu quả"
    assert stored.req_skills == "+(84) 912"
    with pytest.raises(ImportFailed, match=r"row 1, field 'trl': Input should be greater"):
        import_records(db, "dossiers", [dossier_payload(trl="-1")])


def test_malformed_list_cell_is_named(stocked: Session, tmp_path: Path):
    row = dossier_payload(keywords="[heat pump", sector_codes="VN-04", transfer_modes="licence")
    assert _rejected(stocked, "dossiers", _dossier_csv(tmp_path / "d.csv", [row])) == [
        "row 1, field 'keywords': Input should be a valid list"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("d.json", b'[{"title": "Dryer",', "row 0, field '-': invalid JSON: Expecting"),
    ("d.xlsx", b"PK not really a workbook", "row 0, field '-': not a readable .xlsx workbook"),
    ("d.csv", b'title\n"' + b"x" * 200_000 + b'"\n',
     "row 0, field '-': line 2: not valid CSV: field larger than field limit"),
])
def test_unreadable_files_are_rejected(stocked: Session, tmp_path: Path, name: str,
                                       content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    errors = _rejected(stocked, "dossiers", path)
    assert len(errors) == 1 and errors[0].startswith(message)


def test_an_xlsx_that_inflates_past_the_bound_is_refused_before_parsing(tmp_path: Path,
                                                                        monkeypatch):
    """A zip bomb (a small .xlsx whose parts inflate to gigabytes) is refused from the sizes
    its archive declares, which bound what unzipping may produce: shown here with the bound
    lowered below an ordinary workbook's size."""
    from matcher.ingest import tabular

    book = Workbook()
    book.active.append(["title", "summary"])
    book.active.append(["Máy sấy", "x" * 5000])
    book.save(tmp_path / "big.xlsx")
    assert read_rows(tmp_path / "big.xlsx")[0]["title"] == "Máy sấy"
    monkeypatch.setattr(tabular, "MAX_XLSX_INFLATED", 4000)
    with pytest.raises(ImportFailed, match="once unzipped"):
        read_rows(tmp_path / "big.xlsx")


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_json_nested_too_deeply_is_a_row_error(tmp_path: Path, suffix: str):
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * 100_000, "utf-8")
    with pytest.raises(ImportFailed, match="nested too deeply"):
        read_rows(path)
