"""`ketnoi db …`: upgrade the configured database's schema, show its revision, and write the
next revision script (for developers changing the models)."""

from typing import Annotated

import typer

from matcher.platform import migrations
from matcher.platform.config import get_settings, masked_url
from matcher.platform.db import make_engine

app = typer.Typer(help="The database schema: upgrade it, show its revision.",
                  no_args_is_help=True)


def _engine():
    return make_engine(get_settings().resolved_database_url)


@app.command()
def upgrade() -> None:
    """Bring the configured database to the newest schema revision (the server does this at
    start too); print what was done."""
    engine = _engine()
    typer.echo(f"database: {masked_url(get_settings().resolved_database_url)}")
    try:
        done = migrations.upgrade(engine)
    except migrations.SchemaMismatch as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo(str(done))


@app.command()
def current() -> None:
    """Show the revision the configured database is at, and the newest one."""
    engine = _engine()
    try:
        with engine.connect() as connection:
            revision = migrations.current(connection)
    finally:
        engine.dispose()
    newest = migrations.head()
    if revision == newest:
        typer.echo(f"{revision} (newest)")
    else:
        typer.echo(f"{revision or 'none'} (newest is {newest}: run `ketnoi db upgrade`)")


@app.command()
def revision(message: Annotated[str, typer.Argument(help="What the revision changes.")]
             ) -> None:
    """Write the next revision script into the package's migrations, with the model changes
    Alembic detects against a new database at the newest revision (review it before use)."""
    from sqlalchemy.pool import StaticPool

    engine = make_engine("sqlite://", poolclass=StaticPool)
    typer.echo(f"written: {migrations.new_revision(engine, message)}")
