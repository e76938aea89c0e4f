"""Bulk import of dossiers, needs and enterprises from CSV, XLSX or JSON Lines, all rows or none.

The same path as `ketnoi import`: the rows are read and validated (`matcher.ingest`), the new
texts embedded ahead, then written in one transaction committed through the runtime, so the
index follows and the records are searchable when the page answers. The caller's policy is
checked for every row (brokers write enterprises and needs of their own province only). When any
row fails nothing is written and the page lists each bad row's field and reason.
"""

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.deps import RuntimeDep
from api.routes.duplicates import get_detector
from api.web.caller import Caller, CallerDep, FormCallerDep
from api.web.i18n import N_, translations
from api.web.render import render
from matcher.catalogue.duplicates import imported_duplicates
from matcher.ingest.importer import KINDS, import_records, pending_records
from matcher.ingest.tabular import ImportFailed, RowError, read_rows

router = APIRouter(include_in_schema=False)
KIND_LABELS = {"dossiers": N_("Technology dossiers"), "needs": N_("Needs"),
               "enterprises": N_("Enterprises")}
SUFFIXES = (".csv", ".xlsx", ".jsonl", ".ndjson")
# The importer's commonest messages, in the page's language (others are shown as they are).
MESSAGES = [
    (re.compile(r"^Field required$"), N_("This field is required.")),
    (re.compile(r"^required column is missing"), N_("This column is missing from the file.")),
    (re.compile(r"^unknown column"), N_("Unknown column.")),
    (re.compile(r"already exists$"), N_("Already exists (tick “update existing” to update it).")),
    (re.compile(r"^unknown sector code"), N_("Unknown sector code.")),
    (re.compile(r"^unknown jurisdiction"), N_("Unknown province code.")),
    (re.compile(r"may not change \w+ of"), N_("Outside your province: you may not write it.")),
    (re.compile(r"^no enterprise with"), N_("No such enterprise.")),
    (re.compile(r"repeats row"), N_("The same key appears in an earlier row.")),
]


def message(error: RowError, lang: str) -> str:
    """The row error's message in `lang` when it is a known one, else as the importer said."""
    for pattern, text in MESSAGES:
        if pattern.search(error.message):
            return translations(lang).gettext(text)
    return error.message


def _page(request: Request, caller: Caller, status: int = 200, **context: Any) -> Response:
    return render(request, "imports/import.html", caller, status=status, kinds=KIND_LABELS,
                  jurisdiction=caller.user.jurisdiction,
                  **{"kind": "needs", "upsert": False, "errors": {}, "rows": [],
                     "report": None, **context})


@router.get("/web/import", name="import_page", response_class=HTMLResponse)
def import_page(request: Request, caller: CallerDep) -> Response:
    return _page(request, caller)


@router.post("/web/import", name="import_upload", response_class=HTMLResponse)
def import_upload(request: Request, caller: FormCallerDep, runtime: RuntimeDep,
                  kind: Annotated[str, Form(max_length=20)] = "",
                  upsert: Annotated[str, Form(max_length=10)] = "",
                  file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Import the file: "N created, M updated" (for dossiers, with the rows that likely
    duplicate a stored dossier or each other), or the table of row errors (422) and nothing
    written. Files beyond the `max_body_bytes` setting are refused (413)."""
    update = bool(upsert)
    form: dict[str, Any] = {"kind": kind, "upsert": update}
    if kind not in KINDS:
        return _page(request, caller, 422, errors={"kind": N_("Choose one of the options.")},
                     **form)
    name = (file.filename or "") if file is not None else ""
    suffix = Path(name).suffix.lower()
    if file is None or not name:
        return _page(request, caller, 422, errors={"file": N_("Choose a file.")}, **form)
    if suffix not in SUFFIXES:
        return _page(request, caller, 422, **form,
                     errors={"file": N_("Use a .csv, .xlsx or .jsonl file.")})
    limit = runtime.settings.max_body_bytes
    body = file.file.read(limit + 1)
    if len(body) > limit:
        return _page(request, caller, 413, errors={"file": N_("The file is too large.")}, **form)
    session = caller.session
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"import{suffix}"
            path.write_bytes(body)
            rows = read_rows(path)
        records = pending_records(session, kind, rows, upsert=update, policy=caller.policy)
        session.rollback()  # no read held open while the texts are embedded
        if kind in ("dossiers", "needs"):  # embedded first: the write stays short
            runtime.index.embed_ahead(kind, records)
        report = import_records(session, kind, rows, upsert=update, policy=caller.policy)
    except ImportFailed as exc:
        session.rollback()
        rows_shown = [(e.row, e.field, message(e, caller.lang)) for e in exc.errors]
        return _page(request, caller, 422, rows=rows_shown, **form)
    runtime.commit(session, f"import of {kind}")
    duplicates = (imported_duplicates(get_detector(runtime), session, report.rows,
                                      caller.policy.unreadable_dossiers(session))
                  if kind == "dossiers" else [])
    return _page(request, caller, report=(len(report.created), len(report.updated)),
                 duplicates=duplicates, **form)

