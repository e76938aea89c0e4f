"""`ketnoi users …`: people who log in to the web application (create, list, set a password,
disable). Admins do the same in the web application's Users page."""

import secrets
from typing import Annotated

import typer
from sqlmodel import Session, select

from matcher.auth.keys import KeyRequestError
from matcher.auth.models import Role, User
from matcher.auth.users import create_user, disable_user, normalise_email, set_password
from matcher.platform.db import configured_session

app = typer.Typer(help="People who log in to the web application.", no_args_is_help=True)
FIRST_ADMIN_EMAIL = "admin@ketnoi.local"


def new_password() -> str:
    """A random password to hand over (the person changes it on their account page)."""
    return secrets.token_urlsafe(12)


def first_admin(session: Session) -> tuple[str, str] | None:
    """On a database without users, create the first admin; returns (e-mail, password)."""
    if session.exec(select(User)).first() is not None:
        return None
    password = new_password()
    create_user(session, FIRST_ADMIN_EMAIL, "Quản trị viên", "Sở KH&CN", Role.admin, password)
    session.commit()
    return FIRST_ADMIN_EMAIL, password


def _user(session: Session, email: str) -> User:
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise typer.BadParameter(f"no user with e-mail {email}", param_hint="EMAIL")
    return user


@app.command("create")
def create(
        email: Annotated[str, typer.Argument(help="Login e-mail.")],
        name: Annotated[str, typer.Option(help="The person's name.")],
        role: Annotated[Role, typer.Option(help="What the person may do.")],
        org: Annotated[str, typer.Option(help="The person's organisation.")],
        jurisdiction: Annotated[str | None, typer.Option(
            help="Province of an intermediary or organiser, e.g. BG.")] = None,
        enterprise_id: Annotated[int | None, typer.Option(
            help="For an enterprise user: the enterprise they act for.")] = None) -> None:
    """Create a user with a random password, printed once."""
    password = new_password()
    with configured_session() as session:
        session.info["actor"] = "cli (ketnoi users create)"
        try:
            create_user(session, email, name, org, role, password, jurisdiction, enterprise_id)
        except KeyRequestError as exc:
            raise typer.BadParameter(str(exc)) from exc
        session.commit()
    typer.echo(f"user {normalise_email(email)} ({role.value}) created; password (shown only "
               f"now): {password}")


@app.command("list")
def list_users() -> None:
    """Users with their role, organisation and whether they are disabled."""
    with configured_session() as session:
        for user in session.exec(select(User).order_by(User.id)).all():  # type: ignore[arg-type]
            state = f"disabled {user.disabled_at:%Y-%m-%d}" if user.disabled_at else "active"
            scope = user.jurisdiction or (f"enterprise {user.enterprise_id}"
                                          if user.enterprise_id else "")
            typer.echo(f"{user.id:4}  {user.email}  {user.role.value:12}  {user.org}  {scope}  "
                       f"{state}")


@app.command("password")
def password(email: Annotated[str, typer.Argument(help="Login e-mail.")]) -> None:
    """Give a user a new random password (printed once); their sessions end."""
    new = new_password()
    with configured_session() as session:
        session.info["actor"] = "cli (ketnoi users password)"
        set_password(session, _user(session, email), new)
        session.commit()
    typer.echo(f"new password for {normalise_email(email)} (shown only now): {new}")


@app.command("disable")
def disable(email: Annotated[str, typer.Argument(help="Login e-mail.")]) -> None:
    """Stop a user from logging in; their sessions end."""
    with configured_session() as session:
        session.info["actor"] = "cli (ketnoi users disable)"
        disable_user(session, _user(session, email))
        session.commit()
    typer.echo(f"user {normalise_email(email)} disabled")
