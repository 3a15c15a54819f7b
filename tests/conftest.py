"""Shared fixtures: codebook, gazetteer, databases on both backends, a CLI runner, sample files.

PostgreSQL tests run against 127.0.0.1:5432 (user postgres, database test), each test in a
database of its own that is dropped afterwards. When CI=true they must run; elsewhere they
skip with the reason printed when the server cannot be reached.
"""

from __future__ import annotations

import csv
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# what commands unpack into a cache (py3langid's model) goes to a folder of the test runs, not
# the user's home; one for every worker, written whole or not at all (text/langid_model.py)
os.environ.setdefault(
    "LOWPOLITICS_CACHE_DIR", str(Path(tempfile.gettempdir()) / "lowpolitics-test-cache")
)

from lowpolitics.cli.main import run
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.ingest.registry import REGISTRY_COLUMNS
from lowpolitics.store.db import make_engine, session_scope, upgrade
from lowpolitics.store.reference import seed_reference

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
DATA = Path(__file__).parent / "data"


def _pg_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN):
            return None
    except Exception as exc:  # any failure means: no server for these tests
        return f"PostgreSQL at 127.0.0.1:5432 not reachable ({exc.__class__.__name__}: {exc})"


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer()


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test."""
    problem = _pg_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {problem}")
        pytest.skip(problem)
    import psycopg

    name = f"lp_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Every store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url, gazetteer):
    """An initialised database (schema at head, gazetteer seeded)."""
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    yield engine
    engine.dispose()


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:300]!r}, err={self.err[:300]!r})"


@pytest.fixture
def cli(capsys):
    """Run the real CLI entry point (with its error mapping) and capture what it prints."""

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


def registry_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(REGISTRY_COLUMNS, "")
    row.update(values)
    return row


GOOD_ROWS = [
    registry_row(
        id="r-1",
        date="2019-06",
        title="Days of Tajik culture in Bishkek",
        initiative="Days of Culture",
        mechanism="institutional",
        mechanisms_secondary="societal",
        activity_type="days_of_culture",
        status="held",
        host_country="KG",
        partner_country="TJ",
        place="Bishkek",
        actors="Ministry of Culture of Tajikistan [TJ];Ministry of Culture of Kyrgyzstan [KG]",
        source_url="https://example.org/days-2019",
    ),
    registry_row(
        id="r-2",
        date="2021-05-10",
        end_date="2021-05-14",
        title="Cross-border youth camp",
        mechanism="education_youth",
        activity_type="youth_camp",
        status="cancelled",
        status_reason="border clash",
        host_country="KG",
        partner_country="TJ",
        region="KG-B",
        place="Кок-Таш",
        actors="UNICEF [INT]",
        participants_total="40",
        participants_women="22",
        participants_youth="40",
        source_url="https://example.org/camp",
    ),
    registry_row(
        id="r-3",
        date="2022",
        title="Joint history textbook talks",
        mechanism="discursive",
        activity_type="textbook_history_commission",
        status="planned",
        place="Ворух",
        source_url="https://example.org/talks",
        notes="announced",
    ),
    registry_row(
        id="r-4",
        date="2023-09-01",
        title="Women's groups meet in Isfara",
        mechanism="societal",
        activity_type="womens_group_exchange",
        status="held",
        host_country="TJ",
        partner_country="KG",
        place="Isfara",
        participants_total="30",
        participants_women="30",
        source_url="https://example.org/women",
    ),
]


def write_registry(path: Path, rows: list[dict[str, str]], columns=REGISTRY_COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def good_registry(tmp_path) -> Path:
    return write_registry(tmp_path / "registry.csv", GOOD_ROWS)


# --- web app -------------------------------------------------------------------------------

ROLES = ("viewer", "coder", "editor", "admin")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Argon2 with small costs in tests (the app's defaults take ~50 ms a hash)."""
    from argon2 import PasswordHasher

    from lowpolitics.store import accounts

    saved = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = saved


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` under uvicorn on a free local port (a real server, for concurrent clients)."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class WebApp:
    """The app over a test database with one user per role (named after the role)."""

    def __init__(self, engine, codebook, gazetteer, work_dir):
        from lowpolitics.store.accounts import add_user, issue_token
        from lowpolitics.web import create_app

        self.engine = engine
        self.app = create_app(engine, codebook, gazetteer, work_dir=work_dir)
        self.tokens = {}
        with session_scope(engine) as session:
            for role in ROLES:
                add_user(session, role, role, PASSWORD, who="test")
            session.flush()
            for role in ROLES:
                self.tokens[role] = issue_token(session, role, who="test")

    def client(self, role: str | None = None, lang: str | None = None):
        """A TestClient, logged in as ``role`` when given; ``client.csrf`` is its token."""
        import re

        from fastapi.testclient import TestClient

        client = TestClient(self.app)
        if lang:
            client.cookies.set("lp_lang", lang)
        client.csrf = None
        if role is None:
            return client
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = client.post(
            "/login",
            data={"name": role, "password": PASSWORD, "csrf_token": token, "next": "/healthz"},
        )
        assert response.status_code == 200, response.text
        page = client.get("/activities")
        client.csrf = re.search(r'<meta name="csrf-token" content="([^"]*)"', page.text).group(1)
        return client

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture
def web(engine, codebook, gazetteer, tmp_path):
    """The web app on SQLite and PostgreSQL, with users viewer, coder, editor, admin."""
    return WebApp(engine, codebook, gazetteer, tmp_path / "web-work")


@pytest.fixture(scope="session")
def bundled_rows() -> int:
    """How many rows the bundled registry has: tests that count them follow the data."""
    import csv
    from importlib import resources

    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    with (
        resources.as_file(folder.joinpath("registry.csv")) as path,
        open(path, encoding="utf-8") as handle,
    ):
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The bundled demo database (SQLite), built once per session; copy it before changing it
    (:func:`copy_sqlite`)."""
    from sqlalchemy.engine import make_url

    from lowpolitics.cli.demo import build_demo

    state = build_demo(tmp_path_factory.mktemp("demo"), verbose=False)
    state.close()
    return Path(make_url(state.url).database)


def copy_sqlite(source: Path, target: Path) -> str:
    """A consistent copy of a SQLite database (its WAL included); returns the copy's URL."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"
