"""`ketnoi keys …`: issue, list and revoke API keys. Secrets are printed once, never stored."""

from typing import Annotated

import typer
from sqlmodel import select

from matcher.auth.keys import KeyRequestError, create_key, revoke_key
from matcher.auth.models import ApiKey, Role
from matcher.models import Enterprise
from matcher.platform.db import configured_session

app = typer.Typer(help="Issue, list and revoke API keys.", no_args_is_help=True)


@app.command("create")
def create(
        role: Annotated[Role, typer.Option(help="What the key may do.")],
        org: Annotated[str, typer.Option(help="Organisation the key is issued to.")],
        jurisdiction: Annotated[str | None, typer.Option(
            help="Province of an intermediary or organiser, e.g. BG.")] = None,
        enterprise_id: Annotated[int | None, typer.Option(
            help="For an enterprise key: the enterprise it acts for.")] = None,
        tax_code: Annotated[str | None, typer.Option(
            help="For an enterprise key: the enterprise's tax code (instead of its id).")] = None,
        quiet: Annotated[bool, typer.Option(help="Print only the secret.")] = False) -> None:
    """Issue a key and print its secret (shown this once only)."""
    with configured_session() as session:
        if tax_code is not None:
            found = session.exec(select(Enterprise).where(Enterprise.tax_code == tax_code)).first()
            if found is None:
                raise typer.BadParameter(f"no enterprise with tax code {tax_code}",
                                         param_hint="--tax-code")
            enterprise_id = found.id
        try:
            key, secret = create_key(session, role, org, jurisdiction, enterprise_id)
        except KeyRequestError as exc:
            raise typer.BadParameter(str(exc)) from exc
        key_id = key.id
    if quiet:
        typer.echo(secret)
        return
    typer.echo(f"key {key_id} ({role.value}, {org}); send it as header X-API-Key. "
               f"It is shown only now:")
    typer.echo(secret)


@app.command("list")
def list_keys() -> None:
    """Keys issued, with their role, organisation and whether they are revoked."""
    with configured_session() as session:
        for key in session.exec(select(ApiKey).order_by(ApiKey.id)).all():  # type: ignore[arg-type]
            scope = key.jurisdiction or (f"enterprise {key.enterprise_id}"
                                         if key.enterprise_id else "")
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.id:4}  kn_{key.prefix}_…  {key.role.value:12}  {key.org}  "
                       f"{scope}  {state}")


@app.command("revoke")
def revoke(key_id: int) -> None:
    """Revoke a key; requests with it get 401 from now on."""
    with configured_session() as session:
        try:
            revoke_key(session, key_id)
        except LookupError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
    typer.echo(f"key {key_id} revoked")
