"""`ketnoi event …`: import participants, pair, schedule, write agendas, record outcomes.

Each command is one unit of work: it runs in a committing session (`configured_session` or
`session_scope`), and the library functions it calls never commit."""

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlmodel import Session

from matcher.auth.policy import SYSTEM
from matcher.events import agenda as agendas
from matcher.events.candidates import build_candidates, scores_from_rows
from matcher.events.importer import TooManyRows, import_file
from matcher.events.models import (
    Event,
    EventCreate,
    Meeting,
    MeetingFollowUp,
    MeetingOutcome,
)
from matcher.events.outcomes import OutcomeError, record_follow_up, record_outcome, summarise
from matcher.events.pairing import DEFAULT_MIN_SCORE
from matcher.events.service import pair_event, participants, schedule_event
from matcher.ingest.tabular import ImportFailed, read_rows
from matcher.platform.config import get_settings
from matcher.platform.db import configured_session, session_scope
from matcher.platform.runtime import build_runtime

app = typer.Typer(help="Techmart / Techdemo events: participants, B2B pairing, schedules, "
                       "agendas and outcomes.", no_args_is_help=True)
EventId = Annotated[int, typer.Argument(help="The event id.")]


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise typer.BadParameter(f"no event with id {event_id}")
    return event


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                                  help="Participants: .csv, .xlsx or .jsonl.")],
            event: Annotated[int | None, typer.Option(help="Existing event id.")] = None,
            new_event: Annotated[Path | None, typer.Option(
                exists=True, dir_okay=False, help="JSON file describing a new event.")] = None,
            ) -> None:
    """Import participants, all rows or none."""
    if (event is None) == (new_event is None):
        raise typer.BadParameter("give exactly one of --event and --new-event")
    try:
        with configured_session() as session:
            if new_event is not None:
                target = Event.model_validate(EventCreate.model_validate_json(
                    new_event.read_text("utf-8")))
                session.add(target)
                session.flush()
            else:
                target = _event(session, event)  # type: ignore[arg-type]
            report = import_file(session, target, file, policy=SYSTEM)
            event_id = target.id
    except (ImportFailed, TooManyRows) as exc:
        _fail(str(exc))
    typer.echo(f"event {event_id}: {len(report.created)} participants created, "
               f"{len(report.updated)} updated")


@app.command()
def pair(event_id: EventId,
         min_score: Annotated[float | None, typer.Option(
             help="Never pair below this score (default: the measured DEFAULT_MIN_SCORE for "
                  "the matcher's scores, 0 for --scores).")] = None,
         limit: Annotated[int, typer.Option(help="Dossiers asked of the matcher per need.")] = 50,
         scores: Annotated[Path | None, typer.Option(
             exists=True, dir_okay=False,
             help="CSV of supplier_ref, enterprise_ref, score, used instead of the matcher.",
         )] = None,
         greedy: Annotated[bool, typer.Option(help="Run the greedy baseline instead.")] = False,
         ) -> None:
    """Choose the meetings with the highest total score under every cap."""
    if scores is not None:
        with configured_session() as session:
            event = _event(session, event_id)
            try:
                candidates = scores_from_rows(session, event_id, read_rows(scores))
            except ImportFailed as exc:
                _fail(str(exc))
            report = pair_event(session, event, candidates, min_score or 0.0, greedy)
    else:
        runtime = build_runtime(get_settings())
        runtime.sync()
        with session_scope(runtime.engine) as session:
            event = _event(session, event_id)
            candidates = build_candidates(session, event_id, runtime.matches, limit, policy=SYSTEM)
            report = pair_event(session, event, candidates,
                                DEFAULT_MIN_SCORE if min_score is None else min_score, greedy)
    typer.echo(json.dumps(report.model_dump(), indent=2))


@app.command()
def schedule(event_id: EventId) -> None:
    """Place the planned meetings into slots and tables; list drops; run the checker."""
    with configured_session() as session:
        try:
            report = schedule_event(session, _event(session, event_id))
        except ValueError as exc:
            _fail(f"cannot schedule: {exc}")
    typer.echo(f"placed {report.placed} meetings in {report.slots} slots × {report.tables} "
               f"tables (busiest participant: {report.max_degree}); dropped {len(report.dropped)}")
    for drop in report.dropped:
        typer.echo(f"  dropped meeting {drop.meeting_id} [{drop.reason}]: {drop.message}")
    if report.violations:
        _fail("checker FAILED:\n" + "\n".join(f"  {v}" for v in report.violations))
    typer.echo("checker: all constraints hold")


@app.command()
def agenda(event_id: EventId,
           out: Annotated[Path, typer.Option(file_okay=False, help="Output directory.")],
           formats: Annotated[list[str] | None, typer.Option(
               "--format", help="csv, ics, html (repeat for several; default all).")] = None,
           ) -> None:
    """Write every participant's agenda and the organiser's grid."""
    formats = formats or ["csv", "ics", "html"]
    unknown = set(formats) - {"csv", "ics", "html"}
    if unknown:
        raise typer.BadParameter(f"unknown format(s) {sorted(unknown)}")
    out.mkdir(parents=True, exist_ok=True)
    with configured_session() as session:
        event = _event(session, event_id)
        people = participants(session, event_id)
        for person in people:
            items = agendas.agenda(session, event, person, policy=SYSTEM)
            stem = out / f"agenda-{person.ref}"
            if "csv" in formats:
                stem.with_suffix(".csv").write_text(agendas.agenda_csv(items), "utf-8")
            if "ics" in formats:
                stem.with_suffix(".ics").write_bytes(agendas.agenda_ics(event, person, items))
            if "html" in formats:
                stem.with_suffix(".html").write_text(agendas.agenda_html(event, person, items),
                                                     "utf-8")
        cells = agendas.grid(session, event)
        (out / "grid.csv").write_text(agendas.grid_csv(event, cells), "utf-8")
        (out / "grid.html").write_text(agendas.grid_html(event, cells), "utf-8")
    typer.echo(f"wrote agendas of {len(people)} participants and the grid to {out}")


@app.command()
def outcomes(event_id: EventId,
             file: Annotated[Path | None, typer.Option(
                 exists=True, dir_okay=False,
                 help="CSV of meeting_id, status, rating, follow_up, notes to record.")] = None,
             ) -> None:
    """Record outcomes from a file (if given) and print the event's outcome summary."""
    with configured_session() as session:
        _event(session, event_id)
        for number, row in enumerate(read_rows(file) if file else [], start=1):
            meeting = session.get(Meeting, int(row.get("meeting_id") or 0))
            if meeting is None or meeting.event_id != event_id:
                _fail(f"row {number}: no meeting {row.get('meeting_id')} in event {event_id}")
            try:
                if row.get("status"):
                    record_outcome(session, meeting, MeetingOutcome.model_validate(
                        {k: row[k] for k in ("status", "rating", "notes") if row.get(k)}),
                        policy=SYSTEM)
                if row.get("follow_up"):
                    move = record_follow_up(session, meeting,
                                            MeetingFollowUp(follow_up=row["follow_up"]),
                                            policy=SYSTEM)
                    if move.message:
                        typer.echo(f"row {number}: {move.message}", err=True)
            except (OutcomeError, ValueError) as exc:
                _fail(f"row {number}: {exc}")
        summary = summarise(session, event_id)
    typer.echo(json.dumps(summary.model_dump(), indent=2))
