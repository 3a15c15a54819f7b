"""``lowpolitics serve --workers N``: uvicorn worker processes built by the app factory from
the environment, one shared work folder, briefs built once across processes, and a clean
stop on SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from lowpolitics.web import analysis_cache
from lowpolitics.web import app as web_app
from lowpolitics.web.context import WebContext


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_with_two_workers_answers_and_stops_cleanly_on_sigterm(cli, tmp_path):
    import psutil

    db = tmp_path / "served.db"
    assert cli("--db", db, "init").code == 0
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", "from lowpolitics.cli.main import main; main()"]
    args = ["--db", str(db), "serve", "--workers", "2", "--port", str(port)]
    server = subprocess.Popen(
        [*command, *args, "--work-dir", str(tmp_path / "work")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120  # two processes importing the app on a busy machine
        while True:
            assert server.poll() is None, server.communicate()
            try:
                if httpx.get(f"{base}/healthz", timeout=2).json() == {"ok": True}:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within 120 s"
            time.sleep(0.5)
        login = httpx.get(f"{base}/login", timeout=10)
        assert login.status_code == 200 and 'name="csrf_token"' in login.text
        workers = [
            child
            for child in psutil.Process(server.pid).children()
            if "spawn_main" in " ".join(child.cmdline())
        ]
        assert len(workers) == 2
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=10) == 0
        assert time.monotonic() - started < 10
        out, _ = server.communicate()
        assert f"serving on {base}/ with 2 worker processes" in out
        assert not any(worker.is_running() for worker in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_factory_builds_the_app_from_the_environment(engine, tmp_path, monkeypatch, caplog):
    from fastapi.testclient import TestClient

    monkeypatch.setenv(web_app.ENV_DB, str(engine.url.render_as_string(hide_password=False)))
    monkeypatch.setenv(web_app.ENV_WORK_DIR, str(tmp_path / "shared"))
    monkeypatch.setenv(web_app.ENV_SECURE_COOKIES, "1")
    monkeypatch.delenv(web_app.ENV_CODEBOOK, raising=False)
    one, two = web_app.factory(), web_app.factory()  # as two worker processes build it
    for app in (one, two):
        assert app.state.ctx.work_dir == tmp_path / "shared"
        assert app.state.ctx.secure_cookies is True
        assert TestClient(app).get("/healthz").json() == {"ok": True}
    monkeypatch.delenv(web_app.ENV_WORK_DIR)
    with caplog.at_level(logging.WARNING, logger="uvicorn.error"):
        alone = web_app.factory()
    assert alone.state.ctx.work_dir != tmp_path / "shared"
    assert "run one process only" in caplog.text


def test_serve_workers_refuses_an_uninitialised_database(cli, tmp_path):
    result = cli("--db", tmp_path / "empty.db", "serve", "--workers", "2", "--port", free_port())
    assert result.code == 2 and "init" in result.err


# --- briefs on disk, shared by the processes -----------------------------------------------


@pytest.fixture
def fake_builds(monkeypatch):
    """``brief_from_store`` writing two small files, counting its calls."""
    from lowpolitics.report import build

    calls: list[Path] = []

    def fake(engine, codebook, folder, lang, contacts=None):
        calls.append(folder)
        (folder / "brief.html").write_bytes(f"<p>{lang} {len(calls)}</p>".encode())
        (folder / "brief.pdf").write_bytes(f"%PDF {lang} {len(calls)}".encode())

    monkeypatch.setattr(build, "brief_from_store", fake)
    return calls


def contexts(codebook, gazetteer, folder: Path, n: int = 2) -> list[WebContext]:
    """What ``n`` server processes hold: contexts of their own on one work folder."""
    return [WebContext(None, codebook, gazetteer, folder) for _ in range(n)]


def test_a_brief_is_built_once_for_the_processes_sharing_the_work_folder(
    fake_builds, codebook, gazetteer, tmp_path
):
    first, second = contexts(codebook, gazetteer, tmp_path)
    built = analysis_cache._build_brief(first, 7, "ru")
    again = analysis_cache._build_brief(second, 7, "ru")
    assert len(fake_builds) == 1 and again == built
    assert not list((tmp_path / "briefs").glob(".building-*"))


def test_a_brief_another_process_placed_first_or_swept_is_still_served_whole(
    fake_builds, codebook, gazetteer, tmp_path, monkeypatch
):
    (ctx,) = contexts(codebook, gazetteer, tmp_path, 1)
    root = tmp_path / "briefs"
    final = root / analysis_cache._folder_name(3, "en", ctx)
    # swept by a process that saw a newer state while this one read it: half the files left
    final.mkdir(parents=True)
    (final / "brief.html").write_bytes(b"<p>old</p>")
    brief = analysis_cache._build_brief(ctx, 3, "en")
    assert len(fake_builds) == 1 and brief.pdf == b"%PDF en 1" and brief.html == b"<p>en 1</p>"
    # another process finishes the same brief while this one builds: each serves its own
    from lowpolitics.report import build

    faked = build.brief_from_store

    def racing(engine, codebook, folder, lang, contacts=None):
        faked(engine, codebook, folder, lang, contacts)
        other = root / analysis_cache._folder_name(4, lang, ctx)
        other.mkdir()
        (other / "brief.html").write_bytes(b"<p>theirs</p>")
        (other / "brief.pdf").write_bytes(b"%PDF theirs")

    monkeypatch.setattr(build, "brief_from_store", racing)
    mine = analysis_cache._build_brief(ctx, 4, "en")
    assert mine.pdf == b"%PDF en 2"  # its own build, complete
    kept = root / analysis_cache._folder_name(4, "en", ctx)
    assert (kept / "brief.pdf").read_bytes() == b"%PDF theirs"  # the first placed stays
    assert not final.exists()  # the older state's folder is swept
    assert not list(root.glob(".building-*"))


def test_the_shared_socket_gives_connections_without_nagle_delay():
    """asyncio sets TCP_NODELAY only on connections whose socket names the TCP protocol; the
    workers' shared socket must, or each keep-alive response waits for a delayed ACK."""
    import asyncio
    import socket

    from lowpolitics.cli.serve_command import listening_socket

    async def nodelay_of(sock: socket.socket) -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def accepted(reader, writer) -> None:
            conn = writer.get_extra_info("socket")
            seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=sock)
        port = sock.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        value = await asyncio.wait_for(seen, 5)
        writer.close()
        server.close()
        await server.wait_closed()
        return value

    assert listening_socket("127.0.0.1", 0).proto == socket.IPPROTO_TCP
    assert asyncio.run(nodelay_of(listening_socket("127.0.0.1", 0))) != 0
    plain = socket.socket(socket.AF_INET)  # as uvicorn opens it: asyncio leaves Nagle on
    plain.bind(("127.0.0.1", 0))
    assert asyncio.run(nodelay_of(plain)) == 0
