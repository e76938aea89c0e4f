"""Reading tabular files (CSV, JSON Lines, JSON, XLSX) into plain rows, refusing whatever is
not plain data, with errors that name the row and field:
- text that is not UTF-8 (a UTF-8 byte-order mark is fine);
- a NUL character in a cell;
- spreadsheet formulas: an XLSX cell holding a formula (its value is not in the file; paste
  values instead), and text of any format that starts like one — with `=` or `@`, or with `+`
  before anything but a digit, a space or `(` (so `+84 24 3825 1234` stays a phone number).
  Such text is rejected, not rewritten, so what is stored is what the file said. A leading `-`
  is allowed: Vietnamese lists use it as a bullet. Quoting cells on export is the exporter's job;
- a value in a column without a header, and a column name given twice.
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# `=`/`@` anywhere first, `+` unless it begins a number or a bullet (see the module docstring).
_FORMULA = re.compile(r"\s*(?:[=@]|\+(?![\d\s(]))")
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
# An .xlsx is a zip: what its parts hold once inflated is bounded before it is parsed, so a
# small file that inflates to gigabytes (a zip bomb) is refused instead of filling memory. The
# importer's 50,000 rows of text fit many times over.
MAX_XLSX_INFLATED = 200 * 1024 * 1024


@dataclass
class RowError:
    row: int  # 1-based data row (the header of a CSV/XLSX is row 0)
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, field '{self.field}': {self.message}"


class ImportFailed(ValueError):
    """The file was rejected; `errors` names every bad row and field. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} error(s); nothing imported:\n{shown}{more}")


@dataclass(frozen=True)
class _Formula:
    """An XLSX cell holding a formula, kept so the cell check can name it."""

    cell: str
    text: str


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a .csv, .jsonl/.ndjson, .json (a list) or .xlsx file as dictionaries; refuses
    files that are not plain data (see the module docstring)."""
    readers: dict[str, Callable[[Path], list[Any]]] = {
        ".csv": _csv_rows, ".jsonl": _jsonl_rows, ".ndjson": _jsonl_rows, ".json": _json_rows,
        ".xlsx": _xlsx_rows,
    }
    suffix = path.suffix.lower()
    if suffix not in readers:
        raise ImportFailed([RowError(0, "-", f"unsupported file type '{suffix}': "
                                             "use .csv, .jsonl, .json or .xlsx")])
    rows = readers[suffix](path)
    errors = [error for row_no, row in enumerate(rows, start=1) if isinstance(row, dict)
              for error in _check_cells(row_no, row)]
    if errors:
        raise ImportFailed(errors)
    return rows


def _text(path: Path) -> str:
    """The file as text; bytes that are not UTF-8 survive as surrogates for `_check_cells`."""
    return path.read_bytes().decode("utf-8-sig", errors="surrogateescape")


def _csv_rows(path: Path) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(_text(path), newline=""))
    try:
        return _table(next(reader, []), reader, lambda i: str(i + 1))
    except csv.Error as exc:
        raise ImportFailed([RowError(0, "-", f"line {reader.line_num}: not valid CSV: {exc}")
                            ]) from exc


def _reason(exc: Exception) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)


def _jsonl_rows(path: Path) -> list[Any]:
    rows = []
    for number, line in enumerate(_text(path).splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except (json.JSONDecodeError, RecursionError) as exc:
                raise ImportFailed([RowError(number, "-", f"invalid JSON: {_reason(exc)}")]
                                   ) from exc
    return rows


def _json_rows(path: Path) -> list[Any]:
    try:
        data = json.loads(_text(path))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportFailed([RowError(0, "-", f"invalid JSON: {_reason(exc)}")]) from exc
    if not isinstance(data, list):
        raise ImportFailed([RowError(0, "-", "a .json file must hold a list of objects")])
    return data


def _xlsx_rows(path: Path) -> list[dict[str, Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(part.file_size for part in archive.infolist())
        if inflated > MAX_XLSX_INFLATED:
            raise ImportFailed([RowError(0, "-", f"the workbook holds {inflated:,} bytes once "
                                         f"unzipped, more than {MAX_XLSX_INFLATED:,}: split it "
                                         "or save it as CSV")])
        book = load_workbook(path, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        raise ImportFailed([RowError(0, "-", f"not a readable .xlsx workbook: {exc}")]) from exc
    try:
        cells = book.active.iter_rows()
        header = [c.value for c in next(cells, ())]
        body = ([_Formula(c.coordinate, str(getattr(c.value, "text", c.value)))
                 if c.data_type == "f" else c.value for c in row] for row in cells)
        return _table(header, body, lambda i: get_column_letter(i + 1))
    finally:
        book.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(header: Sequence[Any], body: Iterable[Sequence[Any]],
           column: Callable[[int], str]) -> list[dict[str, Any]]:
    """Header and rows of cells as dictionaries, skipping blank rows; refuses a column name
    given twice and a value in a column without a header."""
    names = [str(h).strip() if h is not None else "" for h in header]
    errors = [RowError(0, name, "column appears more than once in the header")
              for name in sorted({n for n in names if n and names.count(n) > 1})]
    rows: list[dict[str, Any]] = []
    for values in body:
        if all(_blank(v) for v in values):
            continue
        row_no = len(rows) + 1
        errors.extend(RowError(row_no, "-", f"a value in column {column(i)}, which has no header")
                      for i, v in enumerate(values)
                      if not _blank(v) and (i >= len(names) or not names[i]))
        rows.append({name: values[i] if i < len(values) else None
                     for i, name in enumerate(names) if name})
    if errors:
        raise ImportFailed(errors)
    return rows


def _strings(value: Any) -> Iterator[str | _Formula]:
    """The text of a cell, including text inside JSON lists and objects (and XLSX formulas)."""
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, str | _Formula):
        yield value


def _check_cells(row_no: int, row: dict[str, Any]) -> list[RowError]:
    """Undecodable bytes, NUL characters and formulas in one row, each named by its field."""
    errors = []
    for key, value in row.items():
        problem = _problem(str(key), formula=False) or next(
            (p for text in _strings(value) if (p := _problem(text))), None)
        if problem:
            errors.append(RowError(row_no, printable(str(key)), problem))
    return errors


def _problem(text: str | _Formula, formula: bool = True) -> str | None:
    """What makes one piece of text unfit to import, if anything; `formula=False` for names."""
    if isinstance(text, _Formula):
        return f"cell {text.cell} holds a formula ('{printable(text.text)}'): import values only"
    if undecoded := _UNDECODED.search(text):
        byte = ord(undecoded.group()) - 0xDC00
        return f"not UTF-8 text (byte 0x{byte:02x} in '{printable(text)}'): save the file as UTF-8"
    if "\x00" in text:
        return "contains a NUL character"
    if formula and _FORMULA.match(text):
        return (f"'{printable(text)}' starts like a spreadsheet formula: text may not start with "
                "=, @ or + (except + before a number)")
    return None


def printable(text: str, limit: int = 40) -> str:
    """Text fit for an error message: undecodable bytes as \\xNN, NULs visible, cut short."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = text.replace("\x00", "\\x00")
    return text if len(text) <= limit else text[: limit - 1] + "…"
