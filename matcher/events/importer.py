"""Import an event's participants from CSV, XLSX or JSON Lines: all or nothing, row by row.

Columns: `ref`, `kind` (supplier / enterprise), `name`, `organisation`, `email`,
`dossier_id` or `dossier_ref` (suppliers), `need_id` or `need_ref` (enterprises; the enterprise
comes from the need), `available_slots` (`1-4, 7`; empty = all), `max_meetings`.
A row whose `ref` already exists in the event updates that participant. Dossiers and needs are
resolved through the importer's access policy: a need it may not see reads as a missing one.

An import holds the database for its whole transaction, so a file is refused beyond
`MAX_IMPORT_ROWS` rows before anything is read from the database; the rows are validated
first, then written `BATCH_ROWS` at a time.
"""

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from matcher.auth.policy import Hidden, Policy
from matcher.events.models import Event, Participant, ParticipantCreate
from matcher.ingest.importer import ImportReport
from matcher.ingest.tabular import ImportFailed, RowError, read_rows
from matcher.models import Dossier, Need
from matcher.models.limits import MAX_SLOTS

# 150,000 rows (under the 5 MB body limit) held SQLite for two minutes; 20,000 take seconds,
# and an event has a few hundred participants.
MAX_IMPORT_ROWS = 20_000
BATCH_ROWS = 1_000  # rows added before each flush, so the unit of work stays small
FIELDS = ("ref", "kind", "name", "organisation", "email", "dossier_id", "need_id",
          "available_slots", "max_meetings")


class TooManyRows(ValueError):
    """A file of more rows than one import takes; nothing was read or written."""

    def __init__(self, rows: int) -> None:
        super().__init__(f"the file has {rows:,} rows; an import takes at most "
                         f"{MAX_IMPORT_ROWS:,} (MAX_IMPORT_ROWS): split it into several files")


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
        if first < 1 or last > MAX_SLOTS:  # checked before the range is expanded
            raise ValueError(f"slot numbers run from 1 to {MAX_SLOTS}, not '{part}'")
        slots.update(range(first, last + 1))
    return sorted(slots)


def _lookup(session: Session, policy: Policy, name: str, ref: str) -> int:
    """The id of the dossier or need with this ref, among those the policy shows."""
    if name == "need":
        return policy.need_by_ref(session, ref).id  # type: ignore[return-value]
    found = session.exec(select(Dossier).where(Dossier.ref == ref,
                                               policy.dossier_rows())).first()
    if found is None:
        raise Hidden("dossier", ref, "ref")
    return found.id  # type: ignore[return-value]


def _resolve(session: Session, policy: Policy, row_no: int, raw: dict[str, Any],
             errors: list[RowError]) -> dict[str, Any]:
    """Blank cells dropped, refs turned into ids, slot lists parsed."""
    data = {k.strip(): v.strip() if isinstance(v, str) else v for k, v in raw.items()
            if k and v is not None and not (isinstance(v, str) and not v.strip())}
    for name in ("dossier", "need"):
        ref = data.pop(f"{name}_ref", None)
        if ref is not None and f"{name}_id" not in data:
            try:
                data[f"{name}_id"] = _lookup(session, policy, name, str(ref))
            except LookupError as exc:  # Hidden, or a ref of several enterprises
                errors.append(RowError(row_no, f"{name}_ref", str(exc)))
    if "available_slots" in data:
        try:
            data["available_slots"] = parse_slots(data["available_slots"])
        except ValueError as exc:
            errors.append(RowError(row_no, "available_slots", f"not a slot list: {exc}"))
            data.pop("available_slots")
    if "kind" in data and isinstance(data["kind"], str):
        data["kind"] = data["kind"].lower()
    return {k: v for k, v in data.items() if k in FIELDS}


def _check(session: Session, policy: Policy, row_no: int, record: ParticipantCreate,
           slots: int, errors: list[RowError]) -> None:
    for field, resolve in (("dossier_id", policy.dossier), ("need_id", policy.need)):
        value = getattr(record, field)
        if value is not None:
            try:
                resolve(session, value)
            except Hidden as exc:
                errors.append(RowError(row_no, field, str(exc)))
    outside = [s for s in record.available_slots if s > slots]
    if outside:
        errors.append(RowError(row_no, "available_slots",
                               f"slot(s) {outside} beyond the event's {slots} slots"))


def import_participants(session: Session, event: Event, rows: list[dict[str, Any]],
                        *, policy: Policy) -> ImportReport:
    """Validate every row, then write them all in batches (the caller commits); raises
    TooManyRows beyond `MAX_IMPORT_ROWS`, or ImportFailed listing each bad row and field,
    having written nothing."""
    if len(rows) > MAX_IMPORT_ROWS:
        raise TooManyRows(len(rows))
    valid = _validate(session, event, rows, policy)
    existing = {p.ref: p for p in session.exec(
        select(Participant).where(Participant.event_id == event.id)).all()}
    report = ImportReport()
    for start in range(0, len(valid), BATCH_ROWS):
        written: list[tuple[list[int], Participant]] = []
        for record in valid[start:start + BATCH_ROWS]:
            current = existing.get(record.ref)
            data = _stored(session, record)
            if current is not None:
                current.sqlmodel_update(data)
                written.append((report.updated, current))
            else:
                current = Participant.model_validate({**data, "event_id": event.id})
                written.append((report.created, current))
            session.add(current)
        session.flush()
        for bucket, participant in written:
            bucket.append(participant.id)  # type: ignore[arg-type]
    return report


def _validate(session: Session, event: Event, rows: list[dict[str, Any]],
              policy: Policy) -> list[ParticipantCreate]:
    """Every row as a participant to register; ImportFailed naming each bad row and field."""
    errors: list[RowError] = []
    valid: list[ParticipantCreate] = []
    seen: dict[str, int] = {}
    for row_no, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            errors.append(RowError(row_no, "-", "row is not an object"))
            continue
        before = len(errors)
        data = _resolve(session, policy, row_no, raw, errors)
        if len(errors) > before:
            continue  # a ref that names nothing: no second error for the id it lacks
        try:
            record = ParticipantCreate.model_validate(data)
        except ValidationError as exc:
            errors.extend(RowError(row_no, ".".join(str(p) for p in err["loc"]) or "-",
                                   err["msg"]) for err in exc.errors())
            continue
        _check(session, policy, row_no, record, len(event.slot_starts), errors)
        if record.ref in seen:
            errors.append(RowError(row_no, "ref", f"'{record.ref}' repeats row {seen[record.ref]}"))
        seen[record.ref] = row_no
        valid.append(record)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    return valid


def _stored(session: Session, record: ParticipantCreate) -> dict[str, Any]:
    """The participant's fields as stored: an enterprise's record comes from its need."""
    data = record.model_dump()
    if record.need_id is not None:
        need = session.get(Need, record.need_id)
        data["enterprise_id"] = need.enterprise_id if need else None
    return data


def import_file(session: Session, event: Event, path: Path,
                *, policy: Policy) -> ImportReport:
    """`import_participants` on a .csv, .xlsx, .jsonl or .json file."""
    return import_participants(session, event, read_rows(path), policy=policy)
