"""Long work off the request: the job queue in the store (both backends), the worker, the
web upload that answers at once with a job, and ``lowpolitics jobs``."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from conftest import PASSWORD, WebApp, serving
from lowpolitics.store import jobs
from lowpolitics.store.db import session_scope
from lowpolitics.store.job_models import Job
from lowpolitics.store.models import Document
from lowpolitics.web.job_worker import DOCUMENTS, work_queue

WORDS = [
    "культура",
    "сотрудничество",
    "фестиваль",
    "молодёжь",
    "делегация",
    "министерство",
    "соглашение",
    "обмен",
    "студенты",
    "наследие",
    "музыка",
    "театр",
    "выставка",
    "университет",
    "конференция",
    "программа",
]


def write_text(path: Path, size: int) -> Path:
    """A plain text of about ``size`` bytes: paragraphs of sentences, unique per line."""
    lines, total, n = [], 0, 0
    while total < size:
        words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(12))
        line = f"Абзац {n}. {words.capitalize()}. Ещё {n} предложение о сотрудничестве."
        lines.append(line)
        total += len(line.encode()) + 2
        n += 1
    path.write_text("\n\n".join(lines), encoding="utf-8")
    return path


def test_claim_is_exclusive(engine):
    first = jobs.enqueue(engine, DOCUMENTS, "editor")
    assert jobs.claim(engine, first, "host:1")
    assert not jobs.claim(engine, first, "host:2")  # already running: the second one loses
    assert jobs.get_job(engine, first).state == "running"

    ids = [jobs.enqueue(engine, DOCUMENTS, "editor") for _ in range(6)]
    taken: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        while (job := jobs.claim_next(engine, f"host:{n}")) is not None:
            with lock:
                taken.append(job.id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == ids  # every job taken once, none twice


def test_a_failed_job_keeps_its_message(engine, tmp_path):
    folder = tmp_path / "uploads" / "b1"
    folder.mkdir(parents=True)
    (folder / "empty.txt").write_bytes(b"   \n")
    job_id = jobs.enqueue(engine, DOCUMENTS, "editor", "uploads/b1", {"files": ["empty.txt"]})
    from lowpolitics.framework.codebook import load_codebook

    done = work_queue(
        engine, load_codebook(), tmp_path, jobs.JobSettings(), threading.Event(), once=True
    )
    assert done == 1
    job = jobs.get_job(engine, job_id)
    assert job.state == "failed"
    assert job.error.startswith("empty.txt: ")
    assert "Traceback" not in job.error and str(tmp_path) not in job.error


def test_a_job_left_running_by_a_dead_server_is_queued_again_then_failed(engine):
    job_id = jobs.enqueue(engine, DOCUMENTS, "editor")
    assert jobs.claim(engine, job_id, "nowhere-host-name:1")  # another host: left alone
    assert jobs.recover_abandoned(engine) == []
    import socket

    dead = f"{socket.gethostname()}:999999999"  # no such process
    with session_scope(engine) as session:
        session.execute(update(Job).where(Job.id == job_id).values(worker=dead))
    assert jobs.recover_abandoned(engine) == [job_id]
    assert jobs.get_job(engine, job_id).state == "queued"
    assert jobs.claim(engine, job_id, dead)  # interrupted a second time: failed, with a reason
    assert jobs.recover_abandoned(engine, jobs.JobSettings(max_attempts=2)) == [job_id]
    job = jobs.get_job(engine, job_id)
    assert job.state == "failed" and "server stopped" in job.error


def test_an_upload_over_the_threshold_becomes_a_job(web, tmp_path, codebook):
    web.app.state.ctx.jobs = jobs.JobSettings(background_bytes=1000)
    client = web.client("editor")
    text = write_text(tmp_path / "long.txt", 5000)
    response = client.post(
        "/documents/upload",
        data={"csrf_token": client.csrf},
        files=[("files", ("long.txt", text.read_bytes(), "text/plain"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    job_id = int(job_url.rsplit("/", 1)[1])
    assert "queued" in client.get(job_url).text
    ctx = web.app.state.ctx
    work_queue(web.engine, codebook, ctx.work_dir, ctx.jobs, threading.Event(), once=True)
    page = client.get(job_url, headers={"HX-Request": "true"})
    assert "done" in page.text and "long.txt" in page.text and "hx-trigger" not in page.text
    api = client.get(f"/api/v1/jobs/{job_id}").json()
    assert api["state"] == "done" and len(api["result"]["imported"]) == 1
    with session_scope(web.engine) as session:
        assert session.scalars(select(Document.filename)).all() == ["long.txt"]

    other = write_text(tmp_path / "other.txt", 3000)
    scripted = client.post(
        "/documents/upload",
        data={"csrf_token": client.csrf},
        files=[("files", ("other.txt", other.read_bytes(), "text/plain"))],
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert scripted.status_code == 202
    location = scripted.headers["location"]
    assert client.get(location).json()["state"] == "queued"


def test_jobs_cli(cli, tmp_path):
    db = f"sqlite:///{tmp_path / 'jobs.db'}"
    assert cli("--db", db, "init").code == 0
    assert cli("--db", db, "jobs").out.strip() == "no jobs"
    from lowpolitics.store.db import make_engine

    engine = make_engine(db)
    first = jobs.enqueue(engine, DOCUMENTS, "editor", "uploads/x", {"files": ["a.txt"]})
    second = jobs.enqueue(engine, "brief", "viewer", None, {"lang": "ru"})
    jobs.claim(engine, first, "host:1")
    jobs.fail(engine, first, "a.txt: line 3: not a text")
    listed = cli("--db", db, "jobs")
    assert listed.code == 0
    assert re.search(rf"{first}\s.*documents.*failed", listed.out)
    assert re.search(rf"{second}\s.*brief.*queued", listed.out)
    shown = cli("--db", db, "jobs", "show", str(first))
    assert shown.code == 0
    assert "state: failed" in shown.out and "error: a.txt: line 3: not a text" in shown.out
    missing = cli("--db", db, "jobs", "show", "99")
    assert missing.code != 0 and "no job 99" in missing.err
    engine.dispose()


@pytest.fixture
def sqlite_web(tmp_path, codebook, gazetteer):
    from lowpolitics.framework.gazetteer import load_gazetteer  # noqa: F401
    from lowpolitics.store.db import make_engine, upgrade
    from lowpolitics.store.reference import seed_reference

    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_reference(session, gazetteer)
    web = WebApp(engine, codebook, gazetteer, tmp_path / "work")
    from lowpolitics.web import create_app

    web.app = create_app(engine, codebook, gazetteer, work_dir=tmp_path / "work", run_jobs=True)
    yield web
    engine.dispose()


def _login(http: httpx.Client) -> str:
    """Where a login sends the user: ``/healthz`` (the ``next`` asked for) when it succeeded."""
    page = http.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = http.post(
        "/login",
        data={"name": "editor", "password": PASSWORD, "csrf_token": token, "next": "/healthz"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    return answer.headers["location"]


def test_a_20_mb_upload_answers_with_a_job_and_logins_go_on(sqlite_web, tmp_path):
    text = write_text(tmp_path / "big.txt", 20 * 2**20)
    with (
        serving(sqlite_web.app) as url,
        httpx.Client(base_url=url, timeout=60, follow_redirects=True) as http,
    ):
        assert _login(http) == "/healthz"
        page = http.get("/documents/upload")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        with text.open("rb") as handle:
            answer = http.post(
                "/documents/upload",
                data={"csrf_token": csrf},
                files=[("files", ("big.txt", handle, "text/plain"))],
                follow_redirects=False,
            )
        assert answer.status_code == 303, answer.text[:300]
        job_id = int(answer.headers["location"].rsplit("/", 1)[1])
        states = set()
        logins = []
        for _ in range(5):  # fresh clients log in while the worker imports the text
            with httpx.Client(base_url=url, timeout=60) as other:
                logins.append(_login(other))
            states.add(jobs.get_job(sqlite_web.engine, job_id).state)
            time.sleep(0.5)
        assert logins == ["/healthz"] * 5
        assert states & {"queued", "running"}  # the logins overlapped the job
        for _ in range(1200):
            job = jobs.get_job(sqlite_web.engine, job_id)
            if job.finished:
                break
            time.sleep(0.5)
        assert job.state == "done", job.error
        assert len(job.result["imported"]) == 1
        assert http.get(f"/jobs/{job_id}").status_code == 200
    with session_scope(sqlite_web.engine) as session:
        stored = session.scalars(select(Document).where(Document.filename == "big.txt")).one()
        assert len(stored.text) > 10_000_000
