"""`ketnoi alerts …`: the alerts job (new matches of needs and saved searches, digests,
e-mails and webhook calls)."""

import time
from typing import Annotated

import typer

from matcher.alerts.job import AlertRun, run_alerts
from matcher.platform.config import get_settings
from matcher.platform.runtime import Runtime, build_runtime

app = typer.Typer(help="Alerts: new confident matches notified to enterprises and brokers.",
                  no_args_is_help=True)


def _report(done: AlertRun) -> str:
    return (f"{done.changes} changes read, {done.dossiers} dossiers matched, "
            f"{done.matches} new matches, {done.notifications} notifications, "
            f"{done.sent.sent} sent, {done.sent.failed} to retry, {done.sent.given_up} given up")


def run_loop(runtime: Runtime, every: float | None) -> None:
    """Run the job once, or every `every` seconds (until interrupted)."""
    while True:
        typer.echo(_report(run_alerts(runtime)))
        if every is None:
            return
        time.sleep(every)


@app.command("run")
def run(every: Annotated[float | None, typer.Option(
        min=1, help="Run again every this many seconds (until interrupted).")] = None) -> None:
    """Match the dossiers written since the last run, record new matches, send the digests
    that are due and the e-mails and webhook calls waiting. Safe to run from several
    processes at once (cron, a loop beside each server): nothing is alerted twice."""
    runtime = build_runtime(get_settings())
    runtime.sync()
    try:
        run_loop(runtime, every)
    except KeyboardInterrupt:
        typer.echo("stopped")
