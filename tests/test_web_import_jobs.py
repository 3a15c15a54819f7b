"""The web import of a big file, off the request: over the job threshold the preview's check
and the commit run as jobs (page and API), the preview shows what the synchronous one shows,
a refused file writes nothing and its errors are on the job page, the upload's options (the
encoding) travel with the job, the file is read and checked before the write lock is taken,
and on SQLite logins go on while a generated registry is imported."""

from __future__ import annotations

import re
import threading
import time
from types import SimpleNamespace

import httpx
from sqlalchemy import func, select

from conftest import GOOD_ROWS, registry_row, serving
from lowpolitics.store import jobs
from lowpolitics.store.db import session_scope
from lowpolitics.store.import_stream import ImportProgress, import_spooled
from lowpolitics.store.models import Activity, AuditEntry
from lowpolitics.web.job_worker import IMPORT, IMPORT_CHECK, work_queue
from lowpolitics.web.pages import importing
from test_jobs import _login, sqlite_web  # noqa: F401 (a fixture)
from test_web_import import BAD_ROWS, PLANTED, activity_ids, as_csv, upload, uploads
from test_web_import_encoding import TITLE, cp1251_file, stored_title


def small_threshold(web, size: int = 200) -> None:
    """Files over ``size`` bytes become jobs: the document upload's setting, set small."""
    web.app.state.ctx.jobs = jobs.JobSettings(background_bytes=size)


def work(web) -> int:
    """Do the queued jobs, as the worker in ``serve`` would."""
    ctx = web.app.state.ctx
    return work_queue(
        web.engine,
        ctx.codebook,
        ctx.work_dir,
        ctx.jobs,
        threading.Event(),
        once=True,
        gazetteer=ctx.gazetteer,
        as_of=ctx.as_of,
    )


def job_of(response) -> int:
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/jobs/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def error_cells(page: str) -> set[tuple[int, str, str]]:
    rows = re.findall(r'<tr class="error-row">(.*?)</tr>', page, flags=re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S) for row in rows]
    return {(int(c[1]), c[2], c[3]) for c in cells}


def test_a_big_upload_is_checked_by_a_job_and_previewed_as_in_the_request(web):
    editor = web.client("editor")
    content = as_csv(BAD_ROWS)
    # the same file under the threshold: the preview the request makes
    token_small = re.fullmatch(r"/import/(.+)", upload(editor, content).headers["location"]).group(
        1
    )
    ctx = web.app.state.ctx
    record = importing.load_upload(ctx, token_small, SimpleNamespace(name="editor"))
    synchronous = importing.preview(ctx, record)
    assert not importing.is_big(ctx, record)

    small_threshold(web)
    job_id = job_of(upload(editor, content))
    assert "queued" in editor.get(f"/jobs/{job_id}").text
    assert work(web) == 1
    job = jobs.get_job(web.engine, job_id)
    assert job.state == "done" and job.kind == IMPORT_CHECK, job.error
    found = job.result["preview"]
    for key in ("valid", "rejected", "skipped", "errors", "warnings", "would", "can_commit"):
        assert found[key] == synchronous[key], key
    token = job.result["token"]
    followed = editor.get(f"/jobs/{job_id}", headers={"HX-Request": "true"})
    assert followed.headers["HX-Redirect"] == f"/import/{token}?encoding=detect"

    page = editor.get(f"/import/{token}")  # the job's preview, not a second check
    assert page.status_code == 200
    assert set(PLANTED) <= error_cells(page.text)
    assert "<strong>2</strong>" in page.text  # valid rows
    assert work(web) == 0

    refused = editor.post(
        f"/import/{token}/commit", data={"csrf_token": editor.csrf}, follow_redirects=False
    )
    commit_id = job_of(refused)
    assert work(web) == 1
    job = jobs.get_job(web.engine, commit_id)
    assert job.kind == IMPORT and job.state == "failed"
    assert "nothing was written" in job.error and "Traceback" not in job.error
    assert job.result["error_count"] == len(PLANTED) and job.result["token"] == token
    shown = editor.get(f"/jobs/{commit_id}")
    assert set(PLANTED) <= error_cells(shown.text)
    assert f'href="/import/{token}"' in shown.text  # back to the preview
    assert activity_ids(web) == []
    with session_scope(web.engine) as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.actor != "test")).all() == []

    assert editor.get(f"/import/{token}").status_code == 200  # the upload was given back
    done_id = job_of(
        editor.post(
            f"/import/{token}/commit",
            data={"csrf_token": editor.csrf, "skip_invalid": "1"},
            follow_redirects=False,
        )
    )
    again = editor.post(f"/import/{token}/commit", data={"csrf_token": editor.csrf})
    assert again.status_code == 404  # claimed by the queued job: not imported twice
    assert work(web) == 1
    job = jobs.get_job(web.engine, done_id)
    assert job.state == "done", job.error
    assert job.result["outcome"] == {"added": 2, "updated": 0, "unchanged": 0}
    assert job.result["rejected"] == 3
    page = editor.get(f"/jobs/{done_id}").text
    assert re.search(r"Added</dt><dd><strong>2</strong>", page)
    assert activity_ids(web) == ["r-1", "r-4"]
    editor.post(f"/import/{token_small}/discard", data={"csrf_token": editor.csrf})
    assert uploads(web) == []


def test_the_encoding_travels_with_the_jobs(web):
    small_threshold(web, 100)
    editor = web.client("editor")
    check_id = job_of(upload(editor, cp1251_file(), encoding="cp1251"))
    assert jobs.get_job(web.engine, check_id).params["upload"]["encoding"] == "cp1251"
    work(web)
    token = jobs.get_job(web.engine, check_id).result["token"]
    page = editor.get(f"/import/{token}?encoding=cp1251")
    assert page.status_code == 200 and "as you chose" in page.text
    utf8 = editor.get(f"/import/{token}?encoding=utf-8", follow_redirects=False)
    other = job_of(utf8)  # another encoding: checked again, by a job of its own
    assert jobs.get_job(web.engine, other).params["upload"]["encoding"] == "utf-8"
    work(web)
    assert jobs.get_job(web.engine, other).result["preview"]["can_commit"] is False
    commit = editor.post(
        f"/import/{token}/commit",
        data={"csrf_token": editor.csrf, "encoding": "cp1251"},
        follow_redirects=False,
    )
    commit_id = job_of(commit)
    assert jobs.get_job(web.engine, commit_id).params["upload"]["encoding"] == "cp1251"
    work(web)
    assert jobs.get_job(web.engine, commit_id).state == "done"
    assert stored_title(web) == TITLE


def test_the_api_answers_202_with_the_job_over_the_threshold(web):
    client = web.client()
    headers = web.bearer("editor")
    small = client.post(
        "/api/v1/imports?kind=registry",
        files={"file": ("r.csv", as_csv(BAD_ROWS), "text/csv")},
        headers=headers,
    )
    assert small.status_code == 200 and small.json()["rejected"] == 3  # as before

    small_threshold(web)
    checked = client.post(
        "/api/v1/imports?kind=registry",
        files={"file": ("r.csv", as_csv(BAD_ROWS), "text/csv")},
        headers=headers,
    )
    assert checked.status_code == 202, checked.text
    location = checked.headers["location"]
    assert re.fullmatch(r"/api/v1/jobs/\d+", location)
    assert client.get(location, headers=headers).json()["state"] == "queued"
    work(web)
    job = client.get(location, headers=headers).json()
    assert job["state"] == "done"
    assert job["result"]["preview"]["rejected"] == 3
    assert {(e["line"], e["column"], e["value"]) for e in job["result"]["preview"]["errors"]} >= (
        set(PLANTED)
    )
    assert uploads(web) == []  # a dry run keeps nothing

    refused = client.post(
        "/api/v1/imports?kind=registry&dry_run=false",
        files={"file": ("r.csv", as_csv(BAD_ROWS), "text/csv")},
        headers=headers,
    )
    assert refused.status_code == 202
    work(web)
    job = client.get(refused.headers["location"], headers=headers).json()
    assert job["state"] == "failed" and job["result"]["error_count"] == 4
    assert job["result"]["token"] is None and uploads(web) == []
    assert activity_ids(web) == []

    imported = client.post(
        "/api/v1/imports?kind=registry&dry_run=false&encoding=cp1251",
        files={"file": ("r.csv", cp1251_file(), "text/csv")},
        headers=headers,
    )
    assert imported.status_code == 202
    work(web)
    job = client.get(imported.headers["location"], headers=headers).json()
    assert job["state"] == "done", job["error"]
    assert job["result"]["outcome"]["added"] == 1 and job["result"]["encoding"] == "cp1251"
    assert stored_title(web) == TITLE and uploads(web) == []


def test_actors_files_are_jobs_too(web):
    small_threshold(web, 10)
    rows = "name,country,type,notes\nNew Theatre,KG,media,\nOld Museum,TJ,media,\n"
    answer = web.client().post(
        "/api/v1/imports?kind=actors&dry_run=false",
        files={"file": ("actors.csv", rows.encode(), "text/csv")},
        headers=web.bearer("editor"),
    )
    assert answer.status_code == 202, answer.text
    work(web)
    job = jobs.get_job(web.engine, int(answer.json()["job"]))
    assert job.state == "done", job.error
    assert job.result["outcome"]["added"] == 2


def generated(n: int) -> list[dict[str, str]]:
    """``n`` valid registry rows, each its own activity."""
    base = GOOD_ROWS[0]
    return [
        {
            **base,
            "id": f"gen-{i}",
            "title": f"Generated activity {i}",
            "date": f"{2005 + i % 18}-{1 + i % 12:02d}",
            "initiative": "",
            "source_url": f"https://example.org/gen/{i}",
        }
        for i in range(n)
    ]


def test_the_file_is_read_before_the_write_lock_is_taken(engine, codebook, gazetteer, tmp_path):
    path = tmp_path / "registry.csv"
    path.write_bytes(as_csv(generated(300)))
    seen: list[tuple[str, int, int]] = []

    def report(progress) -> None:
        seen.append((progress.phase, progress.read, progress.written))
        if progress.phase == "validating":  # another writer is not kept waiting meanwhile
            started = time.monotonic()
            jobs.enqueue(engine, "probe", "test")
            assert time.monotonic() - started < 2

    outcome = import_spooled(
        engine,
        "registry",
        path,
        codebook,
        gazetteer,
        spool=tmp_path / "spool",
        report=report,
        every=100,
    )
    assert outcome.result.added == 300
    assert [w for p, _, w in seen if p == "writing"] == [0, 100, 200, 300]
    assert [r for p, r, _ in seen if p == "validating"] == [0, 100, 200, 300]
    assert not (tmp_path / "spool").exists()

    bad = tmp_path / "bad.csv"
    bad.write_bytes(as_csv(generated(250) + [registry_row(id="x", date="2023-13")]))
    try:
        import_spooled(engine, "registry", bad, codebook, gazetteer, spool=tmp_path / "spool")
    except Exception as exc:  # noqa: BLE001
        assert "nothing was written" in str(exc)
    else:
        raise AssertionError("a bad row must refuse the file")
    with session_scope(engine) as session:
        assert session.scalar(select(func.count(Activity.id))) == 300  # all or nothing


def test_logins_go_on_while_a_big_registry_is_imported(sqlite_web, tmp_path):  # noqa: F811
    rows = 20_000
    content = as_csv(generated(rows))
    sqlite_web.app.state.ctx.jobs = jobs.JobSettings(background_bytes=100_000, poll_seconds=0.2)
    with (
        serving(sqlite_web.app) as url,
        httpx.Client(base_url=url, timeout=60, follow_redirects=True) as http,
    ):
        assert _login(http) == "/healthz"
        page = http.get("/import")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = http.post(
            "/import",
            data={"csrf_token": csrf, "kind": "registry", "format": "own"},
            files={"file": ("big.csv", content, "text/csv")},
            follow_redirects=False,
        )
        check_id = job_of(answer)
        job = _wait(sqlite_web.engine, check_id)
        assert job.state == "done" and job.result["preview"]["valid"] == rows, job.error
        token = job.result["token"]
        preview = http.get(f"/import/{token}")
        assert preview.status_code == 200 and "No errors" in preview.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', preview.text).group(1)
        commit = http.post(
            f"/import/{token}/commit", data={"csrf_token": csrf}, follow_redirects=False
        )
        job_id = job_of(commit)
        states, logins, phases = set(), [], set()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:  # fresh clients log in while the worker imports
            with httpx.Client(base_url=url, timeout=60) as other:
                logins.append(_login(other))
            job = jobs.get_job(sqlite_web.engine, job_id)
            states.add(job.state)
            if job.state == "running" and job.result:
                phases.add(job.result["progress"]["phase"])
            assert http.get("/activities").status_code == 200  # reads go on too
            if job.finished:
                break
            time.sleep(0.2)
        assert logins == ["/healthz"] * len(logins) and len(logins) >= 2
        assert "running" in states  # the logins overlapped the job
        assert "validating" in phases
        job = _wait(sqlite_web.engine, job_id)
        assert job.state == "done", job.error
        assert job.result["outcome"]["added"] == rows
        assert http.get(f"/jobs/{job_id}").status_code == 200
    with session_scope(sqlite_web.engine) as session:
        assert session.scalar(select(func.count(Activity.id))) == rows


def _wait(engine, job_id: int, seconds: float = 600) -> jobs.JobView:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = jobs.get_job(engine, job_id)
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not end")


def test_a_running_import_shows_its_rows_in_the_readers_language(web):
    job_id = jobs.enqueue(web.engine, IMPORT, "editor", "uploads/x", {"upload": {}})
    assert jobs.claim(web.engine, job_id, "host:1")
    detail = ImportProgress("writing", total=5000, read=5000, valid=4990, rejected=10).as_dict()
    jobs.report_progress(web.engine, job_id, 0.7, "writing 4,990 rows", detail)
    page = web.client("viewer", lang="ru").get(f"/jobs/{job_id}")
    assert page.status_code == 200
    assert "Прочитано строк" in page.text and "идёт запись в одной транзакции" in page.text
    assert jobs.get_job(web.engine, job_id).result["progress"]["valid"] == 4990
