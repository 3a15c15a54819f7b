"""The worker that does queued jobs: big document uploads, big registry, context and actors
imports (checked, then imported: ``web.import_jobs``) and briefs, off the request.

``lowpolitics serve`` runs one in a thread of each server process (``--no-jobs`` turns it
off); ``lowpolitics jobs run`` works the queue from a process of its own. Either way a job's
files are read and parsed outside any write transaction and stored in short ones (one per
document; an import's one transaction begins once every row is checked), so logins and
edits go on while a 20 MB text is imported. A job that fails keeps
the user-facing message (file and reason); a bug's traceback goes to the log, not the user.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import LowpoliticsError
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.store import jobs
from lowpolitics.store.documents import import_documents

log = logging.getLogger("lowpolitics.jobs")

DOCUMENTS = "documents"
BRIEF = "brief"
IMPORT_CHECK = "import-check"  # a big registry, context or actors upload checked (preview)
IMPORT = "import"  # and imported (web.import_jobs)


def job_folder(work_dir: Path, job_id: int) -> Path:
    """Where a job keeps what it makes (a built brief)."""
    return work_dir / "jobs" / str(job_id)


def _documents(engine: Engine, work_dir: Path, job: jobs.JobView) -> dict:
    folder = work_dir / (job.input_ref or "")
    files = [folder / name for name in job.params.get("files", [])]
    meta = job.params.get("meta_csv")
    done = [0]

    def progress(total: int) -> Callable[[], None]:
        def tick() -> None:
            done[0] += 1
            shown = files[done[0]].name if done[0] < len(files) else ""
            jobs.report_progress(engine, job.id, done[0] / max(total, 1), shown)

        if files:
            jobs.report_progress(engine, job.id, 0.0, files[0].name)
        return tick

    report = import_documents(
        engine,
        files,
        meta_csv=work_dir / meta if meta else None,
        who=job.created_by,
        progress=progress,
        text_encoding=job.params.get("encoding"),  # the upload form's choice; None: detect
    )
    prefix = str(folder) + "/"
    refused = [list(r) for r in job.params.get("refused", [])]  # by the upload (size, empty)
    return {
        "imported": [[i.path.name, i.document_id, i.title] for i in report.imported],
        "duplicates": [[d.path.name, d.duplicate_of, d.key] for d in report.duplicates],
        "failed": refused + [[f.path.name, f.message.replace(prefix, "")] for f in report.failed],
        "warnings": [w.replace(prefix, "") for w in report.warnings],
    }


def _brief(engine: Engine, codebook: Codebook, work_dir: Path, job: jobs.JobView) -> dict:
    from lowpolitics.report.build import brief_from_store  # weasyprint: loaded when needed

    out = job_folder(work_dir, job.id)
    out.mkdir(parents=True, exist_ok=True)
    jobs.report_progress(engine, job.id, 0.1, "analysing")
    contact = job.params.get("contact")  # codebook codes, checked when the job was started
    contacts = frozenset(contact) if contact else None
    brief_from_store(engine, codebook, out, lang=job.params.get("lang", "en"), contacts=contacts)
    return {"files": sorted(p.name for p in out.iterdir() if p.is_file())}


def run_job(
    engine: Engine,
    codebook: Codebook,
    work_dir: Path,
    job: jobs.JobView,
    gazetteer: Gazetteer | None = None,
    as_of: date | None = None,
) -> None:
    """Do one claimed job and record how it ended. ``gazetteer`` (imports): the server's,
    else the bundled one; ``as_of``: the day taken as today by the checks (tests)."""
    try:
        if job.kind in (IMPORT_CHECK, IMPORT):
            from lowpolitics.framework.gazetteer import load_gazetteer
            from lowpolitics.web import import_jobs

            do = import_jobs.check_job if job.kind == IMPORT_CHECK else import_jobs.import_job
            result = do(engine, codebook, gazetteer or load_gazetteer(), work_dir, job, as_of)
        elif job.kind == DOCUMENTS:
            result = _documents(engine, work_dir, job)
            if result["failed"] and not result["imported"] and not result["duplicates"]:
                jobs.fail(engine, job.id, "; ".join(f"{n}: {m}" for n, m in result["failed"]))
                return
        elif job.kind == BRIEF:
            result = _brief(engine, codebook, work_dir, job)
        else:
            jobs.fail(engine, job.id, f"unknown kind of job '{job.kind}'")
            return
    except LowpoliticsError as exc:  # the user's message; a refused import lists its rows
        jobs.fail(engine, job.id, str(exc), getattr(exc, "job_result", None))
        return
    except Exception:
        log.exception("job %s (%s) failed", job.id, job.kind)
        jobs.fail(engine, job.id, "an internal error stopped this job; the server log has it")
        return
    jobs.finish(engine, job.id, result)


def work_queue(
    engine: Engine,
    codebook: Codebook,
    work_dir: Path,
    settings: jobs.JobSettings,
    stop: threading.Event,
    *,
    once: bool = False,
    gazetteer: Gazetteer | None = None,
    as_of: date | None = None,
) -> int:
    """Take and do queued jobs until ``stop`` is set (or, with ``once``, the queue is empty);
    how many were done."""
    jobs.recover_abandoned(engine, settings)
    count = 0
    while not stop.is_set():
        try:
            job = jobs.claim_next(engine)
        except Exception as exc:  # a busy or unreachable database: try again later
            log.warning("cannot read the job queue: %s", exc)
            job = None
        if job is None:
            if once:
                break
            stop.wait(settings.poll_seconds)
            continue
        run_job(engine, codebook, work_dir, job, gazetteer, as_of)
        count += 1
    return count


class JobWorker:
    """``work_queue`` in a daemon thread, stopped with the server."""

    def __init__(
        self,
        engine: Engine,
        codebook: Codebook,
        work_dir: Path,
        settings: jobs.JobSettings,
        gazetteer: Gazetteer | None = None,
        as_of: date | None = None,
    ) -> None:
        self._args = (engine, codebook, work_dir, settings)
        self._options = {"gazetteer": gazetteer, "as_of": as_of}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=work_queue,
            args=(*self._args, self._stop),
            kwargs=self._options,
            name="lowpolitics-jobs",
            daemon=True,
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to stop after its current job; a job still running when the
        process ends is put back in the queue by the next worker that starts."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
