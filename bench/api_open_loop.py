"""API latency at fixed offered loads, open loop: p50/p90/p99 on a registry of N activities.

The server is started as the product starts it — ``lowpolitics --db URL serve --workers 2``
(uvicorn, two worker processes) — on a database of N generated activities (default 100,000,
imported through ``import_file``, the bulk path), on SQLite and/or PostgreSQL.

The load generator is open loop: for each offered rate R the send times are fixed before the
run (``--arrivals poisson``: R×S instants drawn uniformly over S seconds and sorted, i.e. a
Poisson process with exactly R×S arrivals; ``uniform``: every 1/R s), and each request is
launched at its time whether or not earlier ones have finished (asyncio, with a pool of
keep-alive connections large enough never to queue). The client is ``--client raw`` by default:
a minimal HTTP/1.1 GET over asyncio streams (``RawClient``), which costs the generator a fraction
of the CPU of ``--client httpx`` (one ``httpx.AsyncClient``, the client of the first figures):
at 100-200 req/s httpx alone took 40-90 % of one of the machine's two cores, so the server was
measured short of CPU. Latency is measured from the
*scheduled* send time to the end of the response body, so a server that falls behind is
charged for the wait (no coordinated omission). Requests the generator itself launched more
than 5 ms late are counted (``late``), with the achieved send rate and the generator's CPU
share: if those are off, the figures describe the client, not the server.

Endpoints, each at every rate, in turn (so that they see the same machine load):

- ``GET /healthz`` — the app's floor (no auth, no database): the baseline;
- ``GET /api/v1/me`` — bearer token checked (one indexed query), nothing else;
- ``GET /api/v1/activities/{id}`` — a random activity;
- ``GET /api/v1/activities?page=K`` — a random page of 50 (date order);
- ``GET /api/v1/activities?after=C`` — with ``--list-mode cursor`` or ``both``: the page after
  a random cursor (the ``next`` of a random page, collected before the runs), i.e. a random
  page found by keyset instead of ``OFFSET``.

Every request counts in the percentiles, errors included (non-2xx, timeouts, refused
connections) at the time they took to fail; errors are also counted apart. Before each run
the bench waits until ``/healthz`` is fast again (uvicorn finishes requests whose clients
timed out); an endpoint with more than 5 % errors at a rate is not offered the higher rates.
The target is p99 < 50 ms at 200 req/s for both activity endpoints, with 2 workers on 2
cores.

    python bench/api_open_loop.py [N ...] [--backend sqlite|postgresql|both]
                                  [--rates 50,100,200] [--seconds 12] [--workers 2]
                                  [--arrivals poisson|uniform] [--timeout 10]
                                  [--client raw|httpx] [--list-mode page|cursor|both]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

LATE_MS = 5.0
TARGET_MS = 50.0
TARGET_RATE = 200.0
PER_PAGE = 50
BASELINE = "GET /healthz"
CURSOR_ENDPOINT = "GET /api/v1/activities?after=C"
ACTIVITY_ENDPOINTS = (
    "GET /api/v1/activities/{id}",
    "GET /api/v1/activities?page=K",
    CURSOR_ENDPOINT,
)
ENDPOINTS = (BASELINE, "GET /api/v1/me", *ACTIVITY_ENDPOINTS[:2])
CURSORS = 200  # cursors collected for the keyset endpoint


def endpoints(list_mode: str) -> tuple[str, ...]:
    """The endpoints offered: the list by page number, by cursor, or both."""
    if list_mode == "page":
        return ENDPOINTS
    by_cursor = (*ENDPOINTS[:3], CURSOR_ENDPOINT)
    return by_cursor if list_mode == "cursor" else (*ENDPOINTS, CURSOR_ENDPOINT)


# ---------------------------------------------------------------- pure arithmetic (tested)


def arrival_offsets(
    rate: float, seconds: float, kind: str = "poisson", rng: random.Random | None = None
) -> list[float]:
    """Send times, in seconds from the start, of an open-loop run at ``rate`` req/s.

    ``uniform``: every 1/rate s from 0. ``poisson``: round(rate × seconds) instants drawn
    uniformly over [0, seconds) and sorted — a Poisson process conditioned on its count, so
    the offered rate is exact while the gaps are exponential (bursts included)."""
    if rate <= 0 or seconds <= 0:
        raise ValueError("rate and seconds must be positive")
    n = round(rate * seconds)
    if kind == "uniform":
        return [i / rate for i in range(n)]
    if kind != "poisson":
        raise ValueError(f"unknown arrivals '{kind}'")
    rng = rng or random.Random()
    return sorted(rng.random() * seconds for _ in range(n))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q % of the values at or
    below it (q in (0, 100]); NaN for no values."""
    if not values:
        return math.nan
    if not 0 < q <= 100:
        raise ValueError("q must be in (0, 100]")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def achieved_rate(n_sent: int, seconds: float, last_send: float) -> float:
    """Requests launched per second: over the planned window, or over the time the last
    launch really took when the generator fell behind (``last_send`` from the start)."""
    return n_sent / max(seconds, last_send) if n_sent else 0.0


def count_late(lateness: list[float], threshold: float = LATE_MS / 1000) -> int:
    """How many launches came more than ``threshold`` seconds after their scheduled time."""
    return sum(1 for late in lateness if late > threshold)


@dataclass
class Run:
    """One endpoint at one offered rate: what was sent, and what came back."""

    endpoint: str
    rate: float
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)  # every request, errors too
    lateness: list[float] = field(default_factory=list)  # launch - schedule, seconds
    errors: dict[str, int] = field(default_factory=dict)
    last_send: float = 0.0
    cpu_share: float = 0.0
    load: float = 0.0  # the machine's 1-minute load average at the end of the run

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def figures(self) -> dict[str, float]:
        values = self.latencies_ms
        return {
            "achieved": achieved_rate(len(self.lateness), self.seconds, self.last_send),
            "p50": percentile(values, 50),
            "p90": percentile(values, 90),
            "p99": percentile(values, 99),
            "max": max(values) if values else math.nan,
            "late": count_late(self.lateness),
        }


# ---------------------------------------------------------------- the load generator


IDLE_SECONDS = 4.0  # a kept connection idle longer is dropped: uvicorn closes them after 5 s


class RawClient:
    """GET over keep-alive HTTP/1.1 connections with asyncio streams, and nothing else.

    Why not httpx: at 100-200 req/s ``httpx.AsyncClient`` took 40-90 % of a core on the
    2-core machine the server was measured on, leaving the server short of CPU. This client
    writes one fixed request head per path and reads the status, the ``Content-Length`` body
    and whether the server keeps the connection; an idle connection is reused, else a new one
    is opened (so concurrency is never limited by the pool). Bodies are read, not parsed.
    A response without ``Content-Length`` (chunked) is not expected from these endpoints and
    counts as an error."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float) -> None:
        host_port = base_url.split("://", 1)[1].rstrip("/")
        self.host, _, port = host_port.partition(":")
        self.port = int(port or 80)
        lines = [f"Host: {host_port}", *(f"{k}: {v}" for k, v in headers.items())]
        self.tail = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.timeout = timeout
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened: list[asyncio.StreamWriter] = []

    async def get(self, path: str) -> int:
        """The response's status; raises on a timeout or a broken connection. A kept
        connection the server closed meanwhile (uvicorn closes one idle for 5 s) fails
        before any answer: the request is then sent once more on a new connection, as
        httpx does, rather than counted as the server's error."""
        now = time.monotonic()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < IDLE_SECONDS:
                try:
                    return await self._exchange(reader, writer, path)
                except (ConnectionError, asyncio.IncompleteReadError) as exc:
                    if getattr(exc, "partial", b""):
                        raise
            else:
                writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened.append(writer)
        return await self._exchange(reader, writer, path)

    async def _exchange(self, reader, writer, path: str) -> int:
        try:
            async with asyncio.timeout(self.timeout):
                writer.write(b"GET " + path.encode("latin-1") + b" HTTP/1.1\r\n" + self.tail)
                head = await reader.readuntil(b"\r\n\r\n")
                status, length, keep = parse_head(head)
                if length is None:
                    raise ValueError("response without Content-Length")
                await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if keep:
            self.idle.append((reader, writer, time.monotonic()))
        else:
            writer.close()
        return status

    async def aclose(self) -> None:
        for writer in self.opened:
            writer.close()


def parse_head(head: bytes) -> tuple[int, int | None, bool]:
    """Status, ``Content-Length`` (None if absent) and whether the connection stays open,
    from an HTTP/1.1 response head."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, keep = None, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            keep = False
    return status, length, keep


CLIENT_ERRORS = (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError)


async def open_loop(
    base_url: str,
    token: str,
    endpoint: str,
    rate: float,
    seconds: float,
    path_for,
    *,
    arrivals: str,
    timeout: float,
    rng: random.Random,
    client_kind: str = "raw",
) -> Run:
    """Launch one request per scheduled instant, never waiting for earlier ones."""
    import httpx

    run = Run(endpoint, rate, seconds)
    offsets = arrival_offsets(rate, seconds, arrivals, rng)
    paths = [path_for(rng) for _ in offsets]
    loop = asyncio.get_running_loop()
    headers = {"Authorization": f"Bearer {token}"}
    if client_kind == "raw":
        raw = RawClient(base_url, headers, timeout)
        get, close = raw.get, raw.aclose
    else:
        limits = httpx.Limits(max_connections=4096, max_keepalive_connections=512)
        client = httpx.AsyncClient(
            base_url=base_url, headers=headers, limits=limits, timeout=timeout
        )

        async def get(path: str) -> int:
            return (await client.get(path)).status_code

        close = client.aclose

    async def one(scheduled: float, path: str) -> None:
        run.lateness.append(loop.time() - scheduled)
        try:
            status = await get(path)
            if not 200 <= status < 300:
                key = f"HTTP {status}"
                run.errors[key] = run.errors.get(key, 0) + 1
        except (httpx.HTTPError, *CLIENT_ERRORS) as exc:
            key = type(exc).__name__
            run.errors[key] = run.errors.get(key, 0) + 1
        run.latencies_ms.append((loop.time() - scheduled) * 1000)

    try:
        tasks = []
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        start = loop.time() + 0.05
        for offset, path in zip(offsets, paths, strict=True):
            scheduled = start + offset
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(scheduled, path)))
        run.last_send = loop.time() - start
        await asyncio.gather(*tasks)
        run.cpu_share = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start)
    finally:
        await close()
    run.load = os.getloadavg()[0]
    return run


def path_maker(endpoint: str, n: int, cursors: list[str] | None = None):
    pages = max(1, math.ceil(n / PER_PAGE))
    return {
        BASELINE: lambda rng: "/healthz",
        "GET /api/v1/me": lambda rng: "/api/v1/me",
        ACTIVITY_ENDPOINTS[0]: lambda rng: f"/api/v1/activities/bench-{rng.randrange(n)}",
        ACTIVITY_ENDPOINTS[1]: lambda rng: f"/api/v1/activities?page={rng.randint(1, pages)}",
        CURSOR_ENDPOINT: lambda rng: f"/api/v1/activities?after={rng.choice(cursors or [''])}",
    }[endpoint]


def collect_cursors(base_url: str, token: str, n: int, count: int = CURSORS) -> list[str]:
    """The ``next`` of ``count`` random pages (by number, before the clock runs)."""
    import httpx

    rng = random.Random(2)
    pages = max(2, math.ceil(n / PER_PAGE))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        found = [
            client.get(f"/api/v1/activities?page={rng.randint(1, pages - 1)}").json()["next"]
            for _ in range(count)
        ]
    return [c for c in found if c]


def saturated(run: Run, share: float = 0.05) -> bool:
    """More than ``share`` of the requests failed (timeouts, mostly): the endpoint cannot
    carry this rate, so higher rates are not offered to it (they would only queue more work
    for the server to finish after the clients gave up)."""
    return run.error_count > share * len(run.latencies_ms)


async def settle(base_url: str, idle_ms: float, limit: float) -> float:
    """Wait until the server is idle again — ``/healthz`` three times in a row within twice
    its idle time plus 5 ms — and return the seconds waited (``inf`` if it did not settle
    within ``limit``). uvicorn finishes requests whose clients have gone (timeouts), so
    without this a saturated run would slow the next ones."""
    import httpx

    start = time.perf_counter()
    in_a_row = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=limit) as client:
        while time.perf_counter() - start < limit:
            sent = time.perf_counter()
            try:
                ok = (await client.get("/healthz")).status_code == 200
            except httpx.HTTPError:
                ok = False
            fast = ok and (time.perf_counter() - sent) * 1000 < 2 * idle_ms + 5
            in_a_row = in_a_row + 1 if fast else 0
            if in_a_row == 3:
                return time.perf_counter() - start
            await asyncio.sleep(0.2 if fast else 1.0)
    return math.inf


async def warm_up(
    base_url: str,
    token: str,
    n: int,
    sequential: int = 20,
    offered: tuple[str, ...] = ENDPOINTS,
    cursors: list[str] | None = None,
) -> dict[str, float]:
    """A few requests to every endpoint over several connections, so that both workers have
    loaded their modules and opened their database connections before the clock runs; then
    ``sequential`` requests one at a time: the median is the service time without queueing
    (two workers can serve at most about 2 / that many requests a second)."""
    import httpx

    rng = random.Random(1)
    medians = {}
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:
        for endpoint in offered:
            make = path_maker(endpoint, n, cursors)
            failed = []
            for _ in range(5):
                responses = await asyncio.gather(*(client.get(make(rng)) for _ in range(8)))
                failed += [r.status_code for r in responses if r.status_code >= 300]
            samples = []
            for _ in range(sequential):
                start = time.perf_counter()
                response = await client.get(make(rng))
                samples.append((time.perf_counter() - start) * 1000)
                failed += [response.status_code] if response.status_code >= 300 else []
            if failed:  # shown, not fatal: the runs count their own errors
                print(f"  warm-up {endpoint}: {len(failed)} failed, HTTP {sorted(set(failed))}")
            medians[endpoint] = percentile(samples, 50)
    return medians


# ---------------------------------------------------------------- database and server


def build_database(backend: str, n: int, folder: Path, registry: Path) -> tuple[str, float]:
    """A fresh database with the N generated activities and a viewer; its URL and the
    import's seconds."""
    from import_throughput import _database, _prepare

    from lowpolitics.framework.codebook import load_codebook
    from lowpolitics.framework.gazetteer import load_gazetteer
    from lowpolitics.store.db import make_engine
    from lowpolitics.store.importing import import_file

    url = _database(backend, folder, f"api-{n}")
    _prepare(url)
    engine = make_engine(url)
    start = time.perf_counter()
    outcome = import_file(engine, "registry", registry, load_codebook(), load_gazetteer())
    seconds = time.perf_counter() - start
    assert outcome.result.added == n, outcome.result
    engine.dispose()
    return url, seconds


def issue_bench_token(url: str) -> str:
    from lowpolitics.store.accounts import add_user, issue_token
    from lowpolitics.store.db import make_engine, session_scope

    engine = make_engine(url)
    with session_scope(engine) as session:
        add_user(session, "bench", "viewer", "bench password 1", who="bench")
        session.flush()
        token = issue_token(session, "bench", who="bench")
    engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command(url: str, port: int, workers: int, work_dir: Path) -> list[str]:
    """``lowpolitics --db URL serve --workers W``: the installed command beside this
    interpreter, else the same entry point through the interpreter."""
    script = Path(sys.executable).with_name("lowpolitics")
    entry = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from lowpolitics.cli.main import main; main()"]
    )
    return [
        *entry,
        "--db",
        url,
        "serve",
        "--workers",
        str(workers),
        "--port",
        str(port),
        "--work-dir",
        str(work_dir),
    ]


class Server:
    """The server's process group: started in a session of its own, ended with SIGTERM
    (then SIGKILL) whatever happens — Ctrl+C in the terminal does not reach it."""

    def __init__(self, url: str, workers: int, folder: Path) -> None:
        self.port = free_port()
        self.log = folder / f"serve-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOWPOLITICS_")}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                serve_command(url, self.port, workers, folder / f"web-{self.port}"),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, seconds: float = 120) -> None:
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the server did not answer in {seconds:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


# ---------------------------------------------------------------- running and reporting


def measure(args, backend: str, n: int, folder: Path, registry: Path) -> list[Run]:
    from import_throughput import _drop

    url = ""
    server = None
    try:
        url, import_seconds = build_database(backend, n, folder, registry)
        print(f"\n{n:,} activities on {backend}: imported in {import_seconds:.1f} s", flush=True)
        token = issue_bench_token(url)
        server = Server(url, args.workers, folder)
        start = time.perf_counter()
        server.wait_ready()
        print(f"  server up ({args.workers} workers) in {time.perf_counter() - start:.1f} s")
        offered = endpoints(args.list_mode)
        cursors = collect_cursors(server.base_url, token, n) if CURSOR_ENDPOINT in offered else []
        idle = asyncio.run(warm_up(server.base_url, token, n, offered=offered, cursors=cursors))
        for endpoint, median in idle.items():
            print(f"  {endpoint:32s} one at a time: median {median:6.1f} ms")
        runs = []
        rng = random.Random(args.seed)
        given_up: dict[str, float] = {}
        for rate in args.rates:
            for endpoint in offered:
                if endpoint in given_up:
                    print(
                        f"  {endpoint:32s} {rate:5.0f}/s  not offered: saturated at "
                        f"{given_up[endpoint]:.0f}/s"
                    )
                    continue
                waited = asyncio.run(settle(server.base_url, idle[BASELINE], args.settle))
                if waited > 2:
                    print(f"  (waited {waited:.0f} s for the server to finish earlier requests)")
                run = asyncio.run(
                    open_loop(
                        server.base_url,
                        token,
                        endpoint,
                        rate,
                        args.seconds,
                        path_maker(endpoint, n, cursors),
                        arrivals=args.arrivals,
                        timeout=args.timeout,
                        rng=rng,
                        client_kind=args.client,
                    )
                )
                f = run.figures()
                print(
                    f"  {endpoint:32s} {rate:5.0f}/s  p50 {f['p50']:7.1f}  p99 {f['p99']:8.1f}"
                    f"  errors {run.error_count}  late {f['late']}  load {run.load:.1f}",
                    flush=True,
                )
                runs.append(run)
                if saturated(run):
                    given_up[endpoint] = rate
        return runs
    finally:
        if server is not None:
            server.stop()
        if url:
            _drop(url)


def report(results: dict[tuple[int, str], list[Run]], args) -> None:
    print(
        f"\nOpen loop, {args.arrivals} arrivals, {args.seconds:g} s per rate and endpoint, "
        f"`lowpolitics serve --workers {args.workers}`, {os.cpu_count()} cores; ms from the "
        "scheduled send time; every request counted, errors included"
    )
    print(f"Generator client: {args.client} (column gen CPU: its share of one core)")
    header = (
        f"{'N':>8} {'backend':<10} {'endpoint':<32}{'offered':>8}{'achieved':>9}{'p50':>8}"
        f"{'p90':>8}{'p99':>8}{'max':>8}{'errors':>7}{'late':>6}{'gen CPU':>8}{'load':>6}"
        f"{'p99÷base':>9}"
    )
    print(header)
    print("-" * len(header))
    verdicts = []
    for (n, backend), runs in results.items():
        base = {r.rate: r.figures()["p99"] for r in runs if r.endpoint == BASELINE}
        for run in runs:
            f = run.figures()
            print(
                f"{n:>8,} {backend:<10} {run.endpoint:<32}{run.rate:>8.0f}{f['achieved']:>9.1f}"
                f"{f['p50']:>8.1f}{f['p90']:>8.1f}{f['p99']:>8.1f}{f['max']:>8.0f}"
                f"{run.error_count:>7}{f['late']:>6}{run.cpu_share:>8.0%}{run.load:>6.1f}"
                f"{f['p99'] / base.get(run.rate, math.nan):>9.1f}"
            )
            if run.errors:
                kinds = ", ".join(f"{k} × {v}" for k, v in sorted(run.errors.items()))
                print(f"{'':>20}errors: {kinds}")
        for endpoint in ACTIVITY_ENDPOINTS:
            mine = [r for r in runs if r.endpoint == endpoint]
            at_target = [r for r in mine if r.rate == TARGET_RATE]
            failed = [r.rate for r in mine if saturated(r)]
            if at_target:
                run = at_target[0]
                verdicts.append((n, backend, endpoint, run.figures()["p99"], run.error_count))
            elif failed and TARGET_RATE in args.rates:
                verdicts.append((n, backend, endpoint, math.inf, min(failed)))
    print(
        f"\nTarget: p99 < {TARGET_MS:.0f} ms at {TARGET_RATE:.0f} req/s, "
        f"{args.workers} workers on {os.cpu_count()} cores"
    )
    if not verdicts:
        print(f"  not measured: add {TARGET_RATE:.0f} to --rates")
    for n, backend, endpoint, p99, errors in verdicts:
        where = f"  {n:>8,} {backend:<10} {endpoint:<32}"
        if math.isinf(p99):
            print(f"{where} NOT met: saturated at {errors:.0f} req/s (over 5 % errors)")
            continue
        met = p99 < TARGET_MS and errors == 0
        how = "met" if met else f"NOT met ({p99 / TARGET_MS:.1f}× the target)"
        extra = f", {errors} errors" if errors else ""
        print(f"{where} p99 {p99:8.1f} ms{extra}: {how}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(r) for r in text.split(",")],
        default=[50.0, 100.0, 200.0],
        help="offered loads in req/s, comma-separated",
    )
    parser.add_argument("--seconds", type=float, default=12.0, help="per rate and endpoint")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--arrivals", choices=("poisson", "uniform"), default="poisson")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="the generator's HTTP client: raw asyncio streams (light) or httpx",
    )
    parser.add_argument(
        "--list-mode",
        choices=("page", "cursor", "both"),
        default="page",
        help="the list by page number (?page=K), by cursor (?after=C: keyset), or both",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--settle", type=float, default=180.0, help="longest wait for an idle server, seconds"
    )
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    # SIGTERM ends the run as Ctrl+C does: through the finally blocks that stop the server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))
    from import_throughput import generate

    results: dict[tuple[int, str], list[Run]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="lp-bench-") as tmp:
            for n in args.sizes:
                registry = Path(tmp) / f"registry-{n}.csv"
                generate(registry, n)
                for backend in backends:
                    try:
                        results[(n, backend)] = measure(args, backend, n, Path(tmp), registry)
                    except Exception as exc:  # the other sizes and backends still run
                        print(f"  {n:,} on {backend} failed: {type(exc).__name__}: {exc}")
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temporary files and databases removed")
        if not results:
            raise SystemExit(130) from None
    report(results, args)


if __name__ == "__main__":
    main()
