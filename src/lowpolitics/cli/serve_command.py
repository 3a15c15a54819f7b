"""``lowpolitics serve``: the web app on one database, with uvicorn."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

import typer

from lowpolitics.cli.output import err, out
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.accounts import list_users
from lowpolitics.store.db import session_scope

GRACEFUL_SECONDS = 10


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
    workers: int = 1,
    run_jobs: bool = True,
) -> None:
    """Serve until Ctrl+C or SIGTERM (uvicorn stops cleanly on either, exit code 0).

    With ``workers`` > 1, uvicorn starts that many processes on one listening socket, each
    building the app through :func:`lowpolitics.web.app.factory` from environment variables
    set here; this process only checks the database first and then supervises them."""
    import uvicorn

    check_port_free(host, port)
    if workers > 1:
        app = _prepare_workers(state, work_dir, secure_cookies, run_jobs)
    else:
        from lowpolitics.web import create_app

        app = create_app(
            state.engine,
            state.codebook,
            state.gazetteer,
            work_dir=work_dir,
            secure_cookies=secure_cookies,
            run_jobs=run_jobs,
        )
    with session_scope(state.engine) as session:
        nobody = not list_users(session)
    if nobody:
        err().print(
            "[yellow]warning:[/yellow] this database has no users yet, so nobody can log in; "
            "create one with: lowpolitics users add NAME --role admin",
            highlight=False,
        )
    shown = f" with {workers} worker processes" if workers > 1 else ""
    out().print(f"serving on http://{host}:{port}/{shown}  (Ctrl+C stops)", highlight=False)
    if workers > 1:
        state.engine.dispose()  # the workers open their own connections
    # X-Forwarded-For names the client only when a proxy we know put it there: without
    # --forwarded-allow-ips the header is ignored (uvicorn would trust it from 127.0.0.1,
    # so anyone on the machine could pick the address that login throttling sees)
    options = dict(
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or "",
        # on SIGTERM, requests still running (a brief being built) get this long to finish
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    if workers == 1:
        uvicorn.run(app, **options)
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(app, factory=True, workers=workers, **options)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: the supervisor stops the workers
        Multiprocess(config, sockets=[listening_socket(host, port)]).run()


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket the worker processes share, opened as a TCP socket by name.

    Why not uvicorn's own: it opens the shared socket without naming the protocol, and
    asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections whose socket says
    TCP. Every keep-alive response then waited for the client's delayed acknowledgement —
    about 40 ms a request with ``--workers 2`` against 2 ms with one process
    (bench/api_open_loop.py)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port"
        ) from None
    sock.set_inheritable(True)
    return sock


def _prepare_workers(
    state: State, work_dir: Path | None, secure_cookies: bool, run_jobs: bool = True
) -> str:
    """Check the database once here, create what the app creates at start (so that the
    workers do not race to insert it), and pass the options on through the environment.
    Every worker must share one work folder: an upload previewed by one is imported by
    another."""
    import os
    import tempfile

    from lowpolitics.store.corpus import framework_codes
    from lowpolitics.store.db import require_schema
    from lowpolitics.web import app as web_app

    require_schema(state.engine)
    with session_scope(state.engine) as session:
        framework_codes(session, state.codebook)
    folder = work_dir or Path(tempfile.mkdtemp(prefix="lowpolitics-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[web_app.ENV_DB] = state.url
    os.environ[web_app.ENV_WORK_DIR] = str(folder.resolve())
    os.environ[web_app.ENV_SECURE_COOKIES] = "1" if secure_cookies else ""
    os.environ[web_app.ENV_RUN_JOBS] = "1" if run_jobs else "0"
    if state.codebook_file:
        os.environ[web_app.ENV_CODEBOOK] = str(Path(state.codebook_file).resolve())
    else:
        os.environ.pop(web_app.ENV_CODEBOOK, None)
    return "lowpolitics.web.app:factory"


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
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        envvar="LOWPOLITICS_WEB_WORKERS",
        help="server processes (uvicorn workers); each keeps its own analysis cache",
    ),
    run_jobs: bool = typer.Option(
        True,
        "--jobs/--no-jobs",
        help="do queued jobs (big uploads, briefs) in the server; with --no-jobs run "
        "'lowpolitics jobs run' beside it",
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
        workers=workers,
        run_jobs=run_jobs,
    )
