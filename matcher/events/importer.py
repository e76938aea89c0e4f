"""Import an event's participants from CSV, XLSX or JSON Lines: all or nothing, row by row.

Columns: `ref`, `kind` (supplier / enterprise), `name`, `organisation`, `email`,
`dossier_id` or `dossier_ref` (suppliers), `need_id` or `need_ref` (enterprises; the enterprise
comes from the need), `available_slots` (`1-4, 7`; empty = all), `max_meetings`.
A row whose `ref` already exists in the event updates that participant.
"""

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from matcher.events.models import Event, Participant, ParticipantCreate
from matcher.importer import ImportReport
from matcher.models import Dossier, Need
from matcher.tabular import ImportFailed, RowError, read_rows

FIELDS = ("ref", "kind", "name", "organisation", "email", "dossier_id", "need_id",
          "available_slots", "max_meetings")


def parse_slots(text: Any) -> list[int]:
    """`1-4, 7; 9` → [1, 2, 3, 4, 7, 9]; a number or list passes through."""
    if isinstance(text, int | float):
        return [int(text)]
    if isinstance(text, list):
        return [int(v) for v in text]
    slots: set[int] = set()
    for part in str(text).replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if first > last:
            raise ValueError(f"range '{part}' runs backwards")
        slots.update(range(first, last + 1))
    return sorted(slots)


def _lookup(session: Session, model: Any, ref: str) -> int | None:
    found = session.exec(select(model).where(model.ref == ref)).first()
    return found.id if found else None


def _resolve(session: Session, row_no: int, raw: dict[str, Any],
             errors: list[RowError]) -> dict[str, Any]:
    """Blank cells dropped, refs turned into ids, slot lists parsed."""
    data = {k.strip(): v.strip() if isinstance(v, str) else v for k, v in raw.items()
            if k and v is not None and not (isinstance(v, str) and not v.strip())}
    for name, model in (("dossier", Dossier), ("need", Need)):
        ref = data.pop(f"{name}_ref", None)
        if ref is not None and f"{name}_id" not in data:
            found = _lookup(session, model, str(ref))
            if found is None:
                errors.append(RowError(row_no, f"{name}_ref", f"no {name} with ref '{ref}'"))
            data[f"{name}_id"] = found
    if "available_slots" in data:
        try:
            data["available_slots"] = parse_slots(data["available_slots"])
        except ValueError as exc:
            errors.append(RowError(row_no, "available_slots", f"not a slot list: {exc}"))
            data.pop("available_slots")
    if "kind" in data and isinstance(data["kind"], str):
        data["kind"] = data["kind"].lower()
    return {k: v for k, v in data.items() if k in FIELDS}


def _check(session: Session, row_no: int, record: ParticipantCreate, slots: int,
           errors: list[RowError]) -> None:
    if record.dossier_id is not None and session.get(Dossier, record.dossier_id) is None:
        errors.append(RowError(row_no, "dossier_id", f"no dossier with id {record.dossier_id}"))
    if record.need_id is not None and session.get(Need, record.need_id) is None:
        errors.append(RowError(row_no, "need_id", f"no need with id {record.need_id}"))
    outside = [s for s in record.available_slots if s > slots]
    if outside:
        errors.append(RowError(row_no, "available_slots",
                               f"slot(s) {outside} beyond the event's {slots} slots"))


def import_participants(session: Session, event: Event, rows: list[dict[str, Any]]) -> ImportReport:
    """Validate every row, then write them all (the caller commits); raises ImportFailed
    listing each bad row and field, having written nothing."""
    errors: list[RowError] = []
    valid: list[ParticipantCreate] = []
    seen: dict[str, int] = {}
    for row_no, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            errors.append(RowError(row_no, "-", "row is not an object"))
            continue
        data = _resolve(session, row_no, raw, errors)
        try:
            record = ParticipantCreate.model_validate(data)
        except ValidationError as exc:
            errors.extend(RowError(row_no, ".".join(str(p) for p in err["loc"]) or "-",
                                   err["msg"]) for err in exc.errors())
            continue
        _check(session, row_no, record, len(event.slot_starts), errors)
        if record.ref in seen:
            errors.append(RowError(row_no, "ref", f"'{record.ref}' repeats row {seen[record.ref]}"))
        seen[record.ref] = row_no
        valid.append(record)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    existing = {p.ref: p for p in session.exec(
        select(Participant).where(Participant.event_id == event.id)).all()}
    report = ImportReport()
    written: list[tuple[list, Participant]] = []
    for record in valid:
        data = record.model_dump()
        if record.need_id is not None:
            need = session.get(Need, record.need_id)
            data["enterprise_id"] = need.enterprise_id if need else None
        current = existing.get(record.ref)
        if current is not None:
            current.sqlmodel_update(data)
            written.append((report.updated, current))
        else:
            current = Participant.model_validate({**data, "event_id": event.id})
            written.append((report.created, current))
        session.add(current)
    session.flush()
    for bucket, participant in written:
        bucket.append(participant.id)
    return report


def import_file(session: Session, event: Event, path: Path) -> ImportReport:
    """`import_participants` on a .csv, .xlsx, .jsonl or .json file."""
    return import_participants(session, event, read_rows(path))
