"""`ketnoi report …`: programme progress against the plan's targets and the annual report."""

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

import matcher.ledger.models  # noqa: F401  (registers the ledger tables)
from matcher.ledger.progress import NoPlan, progress, render_table
from matcher.ledger.report import YearNotBegun, write_annual
from matcher.ledger.seed import seed_ledger
from matcher.platform.config import get_settings
from matcher.platform.db import configured_session

app = typer.Typer(help="Progress against the plan's targets, and the annual report.",
                  no_args_is_help=True)
Jurisdiction = Annotated[str, typer.Option(help="Jurisdiction code, e.g. BG or HP.")]


@app.command("progress")
def show_progress(
        jurisdiction: Jurisdiction = "BG",
        as_of: Annotated[datetime | None, typer.Option(
            formats=["%Y-%m-%d"], help="Count up to this day (default today).")] = None,
        period: Annotated[str | None, typer.Option(help="Period label, e.g. 2023–2025.")] = None,
        breakdowns: Annotated[bool, typer.Option(help="Show the breakdowns too.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Value, target, percent and pace of every indicator of the plan period."""
    with configured_session() as session:
        try:
            result = progress(session, jurisdiction, as_of.date() if as_of else None, period)
        except NoPlan as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        typer.echo(render_table(result, breakdowns))


@app.command()
def annual(jurisdiction: Jurisdiction = "BG",
           year: Annotated[int | None, typer.Option(
               help="The year reported on (default this year).")] = None,
           out: Annotated[Path, typer.Option(file_okay=False, help="Output directory.")]
           = Path("."),
           ) -> None:
    """Write the annual report: XLSX (summary, introductions, transfers, trainings, by sector)
    and a PNG chart of cumulative progress against the targets. A year not finished is
    reported to date (its title says so)."""
    with configured_session() as session:
        try:
            xlsx, png = write_annual(session, jurisdiction, year or datetime.now().year, out)
        except (NoPlan, YearNotBegun) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
    typer.echo(f"wrote {xlsx}\nwrote {png}")
    if (year or datetime.now().year) == datetime.now().year and datetime.now().month * 100 \
            + datetime.now().day < 1231:
        typer.echo("the year is not finished: the report shows the year to date")


@app.command()
def seed() -> None:
    """Load the ledger seed (plans, intermediaries, trainings, FDI, history); idempotent."""
    settings = get_settings()
    with configured_session() as session:
        counts = seed_ledger(session, settings.seed_dir)
    typer.echo("ledger seed: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
