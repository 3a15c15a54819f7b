"""``lowpolitics users``: accounts for the shared web app, and API tokens for scripts."""

from __future__ import annotations

import sys

import typer

from lowpolitics.cli.output import out, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.accounts import (
    ROLES,
    add_user,
    delete_user,
    issue_token,
    list_users,
    revoke_tokens,
    set_password,
    update_user,
)
from lowpolitics.store.db import require_schema, session_scope

users_app = typer.Typer(help="Users of the web app: add, list, change role, tokens.")

CLI_ACTOR = "cli"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ConfigError("no password on standard input")
        return password
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat the password", hide_input=True)
    if first != second:
        raise ConfigError("the two passwords differ")
    return first


def _role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"unknown role '{role}': use one of {', '.join(ROLES)}")
    return role


@users_app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="login name"),
    role: str = typer.Option(..., "--role", help="viewer, coder, editor or admin"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the password from the first line of stdin"
    ),
) -> None:
    """Create a user; without --password-stdin the password is asked for twice."""
    state: State = ctx.obj
    _role(role)
    require_schema(state.engine)
    password = _read_password(password_stdin)
    with session_scope(state.engine) as session:
        add_user(session, name, role, password, who=CLI_ACTOR)
    out().print(f"user '{name}' added with role {role}", highlight=False)


@users_app.command("list")
def list_(ctx: typer.Context) -> None:
    """Every user, with role and whether the account is active."""
    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        rows = [(u.name, u.role, "yes" if u.active else "no") for u in list_users(session)]
    print_table(None, ["name", "role", "active"], rows)


@users_app.command("role")
def change_role(
    ctx: typer.Context, name: str, role: str = typer.Argument(..., help="the new role")
) -> None:
    """Give a user another role."""
    state: State = ctx.obj
    _role(role)
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        update_user(session, name, who=CLI_ACTOR, role=role)
    out().print(f"user '{name}' now has role {role}", highlight=False)


@users_app.command("password")
def change_password(
    ctx: typer.Context,
    name: str,
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Set a new password (ends the user's browser sessions)."""
    state: State = ctx.obj
    require_schema(state.engine)
    password = _read_password(password_stdin)
    with session_scope(state.engine) as session:
        set_password(session, name, password, who=CLI_ACTOR)
    out().print(f"password of '{name}' changed", highlight=False)


@users_app.command("remove")
def remove(ctx: typer.Context, name: str) -> None:
    """Delete a user and their tokens (their past changes stay in the audit log)."""
    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        delete_user(session, name, who=CLI_ACTOR)
    out().print(f"user '{name}' removed", highlight=False)


@users_app.command("token")
def token(
    ctx: typer.Context,
    name: str,
    revoke: bool = typer.Option(False, "--revoke", help="revoke every token of the user"),
) -> None:
    """Print a new API token for NAME (send it as 'Authorization: Bearer TOKEN')."""
    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        if revoke:
            count = revoke_tokens(session, name, who=CLI_ACTOR)
            out().print(f"{count} token(s) of '{name}' revoked", highlight=False)
            return
        raw = issue_token(session, name, who=CLI_ACTOR)
    sys.stdout.write(raw + "\n")
