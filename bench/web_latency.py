"""Web latency: how long the API and pages take on a registry of N activities (default 5,000).

Serves the app with uvicorn on a free local port over SQLite and times sequential requests
with httpx (median and 95th percentile of R requests each, default 30). The baseline,
measured in the same run on the same database, is the naive way to serve a page: load every
matching activity with its relations (``find_activities``) and serialise the first 50. The
endpoints filter and sort on light rows and load only the page shown, so they should beat
it by a wide margin while paying for HTTP, auth and templating.

    python bench/web_latency.py [N] [R]
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from import_throughput import generate

from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.store.accounts import add_user, issue_token
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.importing import import_file
from lowpolitics.store.reference import seed_reference
from lowpolitics.web import create_app
from lowpolitics.web.activity_views import activity_json, find_activities


def timed(call, repeats: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main(n: int = 5000, repeats: int = 30) -> None:
    codebook, gazetteer = load_codebook(), load_gazetteer()
    with tempfile.TemporaryDirectory() as folder:
        registry = Path(folder) / "registry.csv"
        generate(registry, n)
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        with session_scope(engine) as session:
            seed_reference(session, gazetteer)
        import_file(engine, "registry", registry, codebook, gazetteer)
        with session_scope(engine) as session:
            add_user(session, "bench", "viewer", "bench password 1", who="bench")
            session.flush()
            token = issue_token(session, "bench", who="bench")
        app = create_app(engine, codebook, gazetteer, work_dir=Path(folder) / "web")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)

        def baseline() -> None:
            with session_scope(engine) as session:
                rows = find_activities(session, mechanism="societal", sort="-date")
                [activity_json(a) for a in rows[:50]]

        client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}
        )
        cases = {
            "naive: load every match, serialise 50 (baseline)": baseline,
            "GET /api/v1/activities?mechanism=societal&sort=-date": lambda: client.get(
                "/api/v1/activities?mechanism=societal&sort=-date"
            ).raise_for_status(),
            "GET /api/v1/activities/{key}": lambda: client.get(
                "/api/v1/activities/bench-42"
            ).raise_for_status(),
            "GET /activities?mechanism=societal (HTML page)": lambda: client.get(
                "/activities?mechanism=societal"
            ).raise_for_status(),
            "GET /activities?q=... (text filter)": lambda: client.get(
                "/activities?q=activity 42"
            ).raise_for_status(),
        }
        print(f"{n} activities on SQLite, {repeats} sequential requests each")
        results = {}
        for name, call in cases.items():
            call()  # warm up
            results[name] = timed(call, repeats)
            median, p95 = results[name]
            print(f"  {name:58s} median {median:7.1f} ms   p95 {p95:7.1f} ms")
        base = results["naive: load every match, serialise 50 (baseline)"][0]
        api = results["GET /api/v1/activities?mechanism=societal&sort=-date"][0]
        print(f"API list page / naive baseline: {api / base:.2f}× the time")
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
