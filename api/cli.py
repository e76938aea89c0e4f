"""The `ketnoi` command line: thin wrappers that parse arguments and call library functions."""

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import select
from tqdm import tqdm

from api import cli_alerts, cli_db, cli_events, cli_keys, cli_report, cli_users
from matcher.auth.keys import create_key
from matcher.auth.models import ApiKey, Role
from matcher.catalogue.duplicates import DuplicateDetector, imported_duplicates
from matcher.ingest.importer import KINDS, ImportReport, import_records, pending_records
from matcher.ingest.seed import load_seed
from matcher.ingest.tabular import ImportFailed, read_rows
from matcher.ledger.seed import seed_ledger
from matcher.models import Need
from matcher.platform.config import get_settings
from matcher.platform.db import session_scope
from matcher.platform.runtime import Runtime, build_runtime
from matcher.search.matches import DossierFilters, MatchList
from matcher.services.screening import blocked_dossier_ids, rescreen_all

app = typer.Typer(help="KetNoi: technology-transfer matchmaking.", no_args_is_help=True)
index_app = typer.Typer(help="Build, verify or rebuild the search index.", no_args_is_help=True)
match_app = typer.Typer(help="Suggest matches for a stored record.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(match_app, name="match")
app.add_typer(cli_report.app, name="report")
app.add_typer(cli_events.app, name="event")
app.add_typer(cli_keys.app, name="keys")
app.add_typer(cli_db.app, name="db")
app.add_typer(cli_users.app, name="users")
app.add_typer(cli_alerts.app, name="alerts")


# How long uvicorn waits for a worker to answer its health check before it kills the worker as
# hung and starts another. Its default, 5 s, is less than a worker needs to import the app on a
# busy 2-core machine (7 s measured): workers were killed before they started, over and over.
WORKER_HEALTHCHECK_SECONDS = 60


def _runtime() -> Runtime:
    return build_runtime(get_settings())


@contextmanager
def _progress(label: str, total: int):
    with tqdm(total=total, desc=label, unit="rec", disable=total == 0) as bar:
        yield bar.update


def _sync(runtime: Runtime) -> None:
    with runtime.session() as session:
        loaded = runtime.index.load(session)
        total = runtime.index.pending(session)
    with _progress("indexing", total) as update:
        runtime.sync(progress=update)
    typer.echo(f"index: {len(runtime.index.dossiers.docs)} dossiers, "
               f"{len(runtime.index.needs.docs)} needs"
               f"{'' if loaded else ' (built anew)'}")


@app.command()
def init(seed: Annotated[bool, typer.Option(help="Load seed_data/.")] = True) -> None:
    """Create the database, load the seed data and build the index."""
    settings = get_settings()
    runtime = build_runtime(settings)
    if seed:
        with session_scope(runtime.engine) as session:
            report = load_seed(session, settings.seed_dir)
            history = seed_ledger(session, settings.seed_dir)
        typer.echo(f"seed loaded: {report}; ledger: {history}")
    _first_admin_key(runtime)
    _first_admin_user(runtime)
    _sync(runtime)


def _first_admin_key(runtime: Runtime) -> None:
    """On a database without keys, issue an admin key so the API can be used at all."""
    with runtime.session() as session:
        if session.exec(select(ApiKey)).first() is not None:
            return
        session.info["actor"] = "cli (ketnoi init)"
        _, secret = create_key(session, Role.admin, "first admin (ketnoi init)")
    typer.echo("No API key existed, so an admin key was issued. Send it as header X-API-Key; "
               "it is shown only now:")
    typer.echo(f"  {secret}")


def _first_admin_user(runtime: Runtime) -> None:
    """On a database without users, create the first admin of the web application."""
    with runtime.session() as session:
        session.info["actor"] = "cli (ketnoi init)"
        made = cli_users.first_admin(session)
    if made is None:
        return
    email, password = made
    typer.echo("No user existed, so the first admin of the web application was created. Open "
               f"http://{get_settings().host}:{get_settings().port}/ and log in with")
    typer.echo(f"  e-mail:   {email}")
    typer.echo(f"  password: {password}   (shown only now; change it on the account page, or "
               "set a new one with `ketnoi users password`)")


@app.command("import")
def import_file(kind: Annotated[str, typer.Argument(help="dossiers | needs | enterprises")],
                path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
                upsert: Annotated[bool, typer.Option(help="Update records with the same key.")]
                = False) -> None:
    """Import a CSV, JSON Lines or XLSX file: all rows or none."""
    if kind not in KINDS:
        raise typer.BadParameter(f"use one of {', '.join(KINDS)}", param_hint="KIND")
    runtime = _runtime()
    try:
        rows = read_rows(path)
        with runtime.session() as session:
            records = pending_records(session, kind, rows, upsert=upsert)
        if kind in ("dossiers", "needs"):  # embedded first: the write stays short
            with _progress("embedding", len(records)) as update:
                runtime.index.embed_ahead(kind, records, update)
        with session_scope(runtime.engine) as session:
            report = import_records(session, kind, rows, upsert=upsert)
    except ImportFailed as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{path}: {len(report.created)} created, {len(report.updated)} updated; "
               "running servers search them within a second, without a restart")
    if kind == "dossiers":
        _echo_duplicates(runtime, report)


def _echo_duplicates(runtime: Runtime, report: ImportReport) -> None:
    """Print the rows that likely duplicate a stored dossier (or each other), against the
    saved index caught up with the import."""
    if not runtime.load():
        typer.echo("likely duplicates not checked: no saved index (run `ketnoi index build`)")
        return
    detector = DuplicateDetector(runtime.index, runtime.matches.queries)
    with runtime.session() as session:
        found = imported_duplicates(detector, session, report.rows)
    for row in found:
        names = "; ".join(f"dossier {d.id} '{d.title}' ({d.score:.2f})" for d in row.duplicates)
        typer.echo(f"row {row.row} ({row.ref or row.title}): likely duplicate of {names}")


@app.command()
def screen() -> None:
    """Screen every dossier again (Decree 76/2018 annexes, second-hand age, price outliers):
    after the annex data changes, once a year as equipment ages, or after upgrading a database
    whose dossiers were stored before screening existed. Decisions on findings that still hold
    are kept."""
    runtime = _runtime()
    with session_scope(runtime.engine) as session:
        session.info["actor"] = "cli (ketnoi screen)"
        count = rescreen_all(session)
        blocked = len(blocked_dossier_ids(session))
    typer.echo(f"screened {count} dossiers; {blocked} blocked by a prohibited finding")


@index_app.command("build")
def index_build() -> None:
    """Index what the database holds that the index does not (embeddings are cached)."""
    _sync(_runtime())


@index_app.command("verify")
def index_verify() -> None:
    """Compare the saved index (with the outbox replayed) with the database; exit 1 on
    drift."""
    runtime = _runtime()
    runtime.load()  # as a starting server would: the snapshot, then the outbox since
    with runtime.session() as session:
        drifts = runtime.index.verify(session)
    for name, drift in drifts.items():
        typer.echo(f"{name}: {drift}")
    if not all(d.clean for d in drifts.values()):
        raise typer.Exit(1)


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Drop the index and build it anew from the database."""
    runtime = _runtime()
    runtime.index.reset()
    with runtime.session() as session:
        total = runtime.index.pending(session)
    with _progress("rebuilding", total) as update:
        runtime.sync(update, fresh=True)
    typer.echo(f"index rebuilt: {len(runtime.index.dossiers.docs)} dossiers, "
               f"{len(runtime.index.needs.docs)} needs")


def _print(result: MatchList, as_json: bool) -> None:
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    info = result.query
    if info.restored_text:
        typer.echo(f"read as: {info.restored_text}")
    if info.translated_terms:
        typer.echo("terms: " + "; ".join(info.translated_terms))
    if not result.confident:
        typer.echo(f"{result.message} (confidence {result.confidence:.2f})")
    for rank, s in enumerate(result.data, start=1):
        typer.echo(f"{rank:2}. [{s.kind} {s.id}] {s.title}  score {s.score:.3f}")
        typer.echo(f"    {s.explanation}")


@app.command()
def search(text: str, limit: int = 10, jurisdiction: str | None = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Search dossiers with free text in any language."""
    runtime = _runtime()
    _sync(runtime)
    with runtime.session() as session:
        _print(runtime.matches.search(session, text, DossierFilters(jurisdiction=jurisdiction),
                                      limit), as_json)


@match_app.command("need")
def match_need(need_id: int, limit: int = 10,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Dossiers for a stored need."""
    runtime = _runtime()
    _sync(runtime)
    with runtime.session() as session:
        need = session.get(Need, need_id)
        if need is None:
            typer.echo(f"need {need_id} not found", err=True)
            raise typer.Exit(1)
        _print(runtime.matches.for_need(session, need, DossierFilters(), limit), as_json)


@app.command()
def serve(host: str | None = None, port: int | None = None,
          workers: Annotated[int, typer.Option(min=1, max=64, help=(
              "Worker processes; each follows the database, so a write through one is "
              "searchable in all within a second (use PostgreSQL for more than one)."))] = 1
          ) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs; readiness at /health/ready)."""
    import logging

    import uvicorn

    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run("api.main:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, workers=workers,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)


@app.command()
def settings() -> None:
    """Show the settings in force (the database password masked)."""
    typer.echo(json.dumps(get_settings().shown(), indent=2, ensure_ascii=False))
