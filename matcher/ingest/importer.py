"""Import dossiers, enterprises and needs from CSV, JSON Lines or XLSX: all or nothing per file.

Every row is validated first; if any row fails, nothing is written and the error lists each bad
row and field. Rows are keyed (dossiers and needs by `ref`, enterprises by `tax_code`), so an
import can update records it created before (`upsert`) instead of failing on duplicates, or
leave them as they are and create only the missing ones (`keep_existing`, used for seed data).
Files are read by `matcher.ingest.tabular`, which refuses anything that is not plain data.
Before any row is validated, the columns are checked: every required column must be present
and every column must be a known field. Given a caller's `Policy`, each row must also be a
write that caller may make (enterprises and needs within its jurisdiction, no need made more
public by a broker), or it is an error of that row like any other.
"""

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from sqlmodel import Session, SQLModel, select

from matcher.auth.policy import Hidden, Policy, Refused
from matcher.ingest.tabular import ImportFailed, RowError, printable
from matcher.models import (
    Dossier,
    DossierCreate,
    Enterprise,
    EnterpriseCreate,
    Jurisdiction,
    Need,
    NeedCreate,
)
from matcher.models.enums import DossierStatus
from matcher.models.fields import utcnow
from matcher.models.sector_catalog import SectorCatalog

KINDS = ("dossiers", "enterprises", "needs")
MAX_ROWS = 50_000  # rows in one file: a larger one is refused whole (split it)
BATCH = 1_000  # rows flushed to the database at a time
# per kind: the schema a row is validated with, the table it is written to, and its key
SCHEMAS: dict[str, tuple[type[SQLModel], type[SQLModel], str]] = {
    "dossiers": (DossierCreate, Dossier, "ref"),
    "enterprises": (EnterpriseCreate, Enterprise, "tax_code"),
    "needs": (NeedCreate, Need, "ref"),
}
_LIST_FIELDS = {"sector_codes", "keywords", "transfer_modes", "preferred_countries",
                "preferred_modes"}


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)  # record id → its row (1 = first)


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """Blank cells become absent; list fields given as text become lists."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in _LIST_FIELDS and isinstance(value, str):
            value = _split(value)
        out[key] = value
    return out


def _split(text: str) -> list[str] | str:
    """A list cell: a JSON list, or items separated by `,` or `;` (bad JSON is left for the
    schema to report under the field's name)."""
    text = text.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _check_columns(kind: str, fields: Mapping[str, FieldInfo], rows: list[Any]) -> list[RowError]:
    """Required columns that no row has, and columns that are no field of the schema."""
    columns = {str(k) for row in rows if isinstance(row, dict) for k in row}
    if not columns:
        return []
    errors = [RowError(0, name, "required column is missing")
              for name, info in fields.items() if info.is_required() and name not in columns]
    if kind == "needs" and not columns & {"enterprise_id", "enterprise_tax_code"}:
        errors.append(RowError(0, "enterprise_tax_code",
                               "required column is missing (or give enterprise_id)"))
    for name in sorted(columns - set(fields)):
        close = difflib.get_close_matches(name, fields, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        errors.append(RowError(0, printable(name), f"unknown column{hint}"))
    return errors


def _errors(row_no: int, exc: ValidationError) -> list[RowError]:
    return [RowError(row_no, ".".join(str(p) for p in err["loc"]) or "-", err["msg"])
            for err in exc.errors()]


def import_records(session: Session, kind: str, rows: list[dict[str, Any]],
                   upsert: bool = False, keep_existing: bool = False,
                   policy: Policy | None = None) -> ImportReport:
    """Validate all rows, then write them in the caller's transaction (the caller commits),
    flushed in batches of `BATCH` rows so memory stays bounded.

    A row whose key already exists is an error, unless `upsert` (the record is updated) or
    `keep_existing` (the record is left untouched and reported as kept) is given. With a
    `policy`, a row the caller may not write is an error too (none: the CLI, every write).
    """
    report = ImportReport()
    pending: list[tuple[list[int], Any, int]] = []
    for n, (data, obj, current) in enumerate(_planned(session, kind, rows, upsert,
                                                       keep_existing, policy), start=1):
        if current is not None and keep_existing:
            report.kept.append(current.id)
            report.rows[current.id] = n
            continue
        if current is not None:
            current.sqlmodel_update(data)
            current.updated_at = utcnow()
            session.add(current)
            pending.append((report.updated, current, n))
        else:
            session.add(obj)
            pending.append((report.created, obj, n))
        if n % BATCH == 0:
            session.flush()
    session.flush()
    for ids, obj, row_no in pending:
        ids.append(obj.id)
        report.rows[obj.id] = row_no
    return report


def pending_records(session: Session, kind: str, rows: list[dict[str, Any]],
                    upsert: bool = False, keep_existing: bool = False,
                    policy: Policy | None = None) -> list[SQLModel]:
    """The records `import_records` would create or change, unsaved (no ids): what a caller
    embeds before it writes, so the write transaction stays short. Raises `ImportFailed` as
    `import_records` would."""
    return [obj for _, obj, current in _planned(session, kind, rows, upsert, keep_existing,
                                                policy)
            if current is None or not keep_existing]


def _planned(session: Session, kind: str, rows: list[dict[str, Any]], upsert: bool,
             keep_existing: bool, policy: Policy | None = None
             ) -> list[tuple[dict[str, Any], Any, Any]]:
    """Every row validated (or `ImportFailed` listing each bad row and field): the row's
    fields, the table object they make, and the stored record with its key, if any."""
    if upsert and keep_existing:
        raise ValueError("give upsert or keep_existing, not both")
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    if len(rows) > MAX_ROWS:
        raise ImportFailed([RowError(MAX_ROWS + 1, "-", f"a file holds at most {MAX_ROWS:,} "
                                     f"rows; this one has {len(rows):,}: split it")])
    catalog = SectorCatalog.from_session(session)
    jurisdictions = {j.code for j in session.exec(select(Jurisdiction)).all()}
    schema, table, key = SCHEMAS[kind]
    column_errors = _check_columns(kind, schema.model_fields, rows)
    if column_errors:
        raise ImportFailed(column_errors)
    errors: list[RowError] = []
    valid: list[tuple[int, BaseModel]] = []
    seen_keys: dict[str, int] = {}
    for row_no, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            errors.append(RowError(row_no, "-", "row is not an object"))
            continue
        try:
            record = schema.model_validate(_clean(raw))
        except ValidationError as exc:
            errors.extend(_errors(row_no, exc))
            continue
        errors.extend(_check_refs(row_no, record, catalog, jurisdictions, session))
        record_key = _key(session, record, key)
        if record_key:
            if record_key in seen_keys:
                errors.append(RowError(row_no, key, f"'{getattr(record, key)}' repeats row "
                                                    f"{seen_keys[record_key]}"))
            seen_keys[record_key] = row_no
        valid.append((row_no, record))
    existing = _existing(session, table, key, list(seen_keys))
    if not (upsert or keep_existing):
        errors.extend(RowError(seen_keys[k], key, f"'{getattr(obj, key)}' already exists")
                      for k, obj in existing.items())
    elif upsert:  # a merged duplicate is not updated: the dossier it was merged into is
        errors.extend(RowError(seen_keys[k], key, f"'{obj.ref}' was merged into dossier "
                                                  f"{obj.merged_into}: update that one")
                      for k, obj in existing.items()
                      if isinstance(obj, Dossier) and obj.status is DossierStatus.merged)
    if policy is not None:
        for row_no, checked in valid:
            errors.extend(_check_write(session, policy, row_no, checked,
                                       existing.get(_key(session, checked, key))))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    planned = []
    for _, valid_record in valid:
        data = valid_record.model_dump(exclude={"enterprise_tax_code"})
        if isinstance(valid_record, NeedCreate):
            data["enterprise_id"] = _enterprise_id(session, valid_record)
        planned.append((data, table.model_validate(data),
                        existing.get(_key(session, valid_record, key))))
    return planned


def _key(session: Session, record: Any, key: str) -> Any:
    """What identifies a row's record: its `key`; for a need, its enterprise and ref (refs are
    an enterprise's own, so one enterprise's ref never collides with another's)."""
    value = getattr(record, key)
    if isinstance(record, NeedCreate) and value:
        return (_enterprise_id(session, record), value)
    return value


def _existing(session: Session, table: type[SQLModel], key: str, keys: list[Any]) -> dict:
    """The stored records with these keys, by key."""
    if not keys:
        return {}
    column = getattr(table, key)
    values = [k[1] if isinstance(k, tuple) else k for k in keys]
    wanted = set(keys)
    found = {}
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        for obj in session.exec(select(table).where(column.in_(chunk))).all():  # type: ignore[attr-defined]
            stored = getattr(obj, key)
            if table is Need:
                stored = (obj.enterprise_id, stored)  # type: ignore[attr-defined]
            if stored in wanted:
                found[stored] = obj
    return found


def _enterprise_id(session: Session, record: NeedCreate) -> int | None:
    if record.enterprise_id is not None:
        return record.enterprise_id
    enterprise = session.exec(
        select(Enterprise).where(Enterprise.tax_code == record.enterprise_tax_code)
    ).first()
    return enterprise.id if enterprise else None


def _check_write(session: Session, policy: Policy, row_no: int, record: BaseModel,
                 current: Any) -> list[RowError]:
    """Whether `policy` may write the row's record (a new one, or `current` updated), as the
    API's services check one record: enterprises and needs within the caller's jurisdiction,
    no need made more public (dossiers: any broker)."""
    try:
        if isinstance(record, EnterpriseCreate):
            policy.check_enterprise_write(current, record.model_dump())
        elif isinstance(record, NeedCreate):
            enterprise_id = _enterprise_id(session, record)
            if enterprise_id is None:
                return []  # already an error of the row
            enterprise = policy.enterprise(session, enterprise_id)
            policy.check_need_write(current, enterprise,
                                    record.model_dump(exclude={"enterprise_tax_code"}))
            if current is not None:
                policy.need(session, current.id, full=True)
    except (Refused, Hidden) as exc:
        field = ("jurisdiction" if isinstance(record, EnterpriseCreate)
                 else "confidentiality" if "public" in str(exc)
                 else "enterprise_id" if getattr(record, "enterprise_id", None) is not None
                 else "enterprise_tax_code")
        return [RowError(row_no, field, str(exc))]
    return []


def _check_refs(row_no: int, record: BaseModel, catalog: SectorCatalog, jurisdictions: set[str],
                session: Session) -> list[RowError]:
    """References to other records: sector codes, jurisdiction, enterprise of a need."""
    errors = []
    unknown = catalog.unknown(list(getattr(record, "sector_codes", []) or []))
    if unknown:
        errors.append(RowError(row_no, "sector_codes", f"unknown sector code(s) {unknown}"))
    if isinstance(record, EnterpriseCreate):
        if record.jurisdiction not in jurisdictions:
            errors.append(RowError(row_no, "jurisdiction",
                                   f"unknown jurisdiction '{record.jurisdiction}'"))
        if record.main_sector and catalog.unknown([record.main_sector]):
            errors.append(RowError(row_no, "main_sector",
                                   f"unknown sector code '{record.main_sector}'"))
    if isinstance(record, NeedCreate):
        if record.enterprise_id is None and not record.enterprise_tax_code:
            errors.append(RowError(row_no, "enterprise_tax_code",
                                   "give enterprise_id or enterprise_tax_code"))
        elif record.enterprise_id is not None:
            if session.get(Enterprise, record.enterprise_id) is None:
                errors.append(RowError(row_no, "enterprise_id",
                                       f"no enterprise with id {record.enterprise_id}"))
        elif _enterprise_id(session, record) is None:
            errors.append(RowError(row_no, "enterprise_tax_code",
                                   f"no enterprise with tax code '{record.enterprise_tax_code}'"))
    return errors
