"""``lowpolitics serve``: the web app on one database, with uvicorn."""

from __future__ import annotations

import socket
from pathlib import Path

import typer

from lowpolitics.cli.output import err, out
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.accounts import list_users
from lowpolitics.store.db import session_scope


def check_port_free(host: str, port: int) -> None:
    """Say so plainly when another program holds the port (uvicorn would only log it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port"
            ) from None


def serve_app(
    state: State,
    host: str,
    port: int,
    *,
    work_dir: Path | None = None,
    secure_cookies: bool = False,
    forwarded_allow_ips: str | None = None,
) -> None:
    import uvicorn

    check_port_free(host, port)
    from lowpolitics.web import create_app

    app = create_app(
        state.engine,
        state.codebook,
        state.gazetteer,
        work_dir=work_dir,
        secure_cookies=secure_cookies,
    )
    with session_scope(state.engine) as session:
        nobody = not list_users(session)
    if nobody:
        err().print(
            "[yellow]warning:[/yellow] this database has no users yet, so nobody can log in; "
            "create one with: lowpolitics users add NAME --role admin",
            highlight=False,
        )
    out().print(f"serving on http://{host}:{port}/  (Ctrl+C stops)", highlight=False)
    # X-Forwarded-For names the client only when a proxy we know put it there: without
    # --forwarded-allow-ips the header is ignored (uvicorn would trust it from 127.0.0.1,
    # so anyone on the machine could pick the address that login throttling sees)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or "",
    )


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="mark cookies Secure (when served behind HTTPS)"
    ),
    work_dir: Path | None = typer.Option(
        None, "--work-dir", help="folder for uploads awaiting confirmation and built briefs"
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None,
        "--forwarded-allow-ips",
        help="addresses of reverse proxies whose X-Forwarded-For is trusted (comma-separated)",
    ),
) -> None:
    """Serve the dashboard, pages and API (create users first: lowpolitics users add)."""
    serve_app(
        ctx.obj,
        host,
        port,
        work_dir=work_dir,
        secure_cookies=secure_cookies,
        forwarded_allow_ips=forwarded_allow_ips,
    )
