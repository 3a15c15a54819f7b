"""The job queue in the store: enqueue, claim, report progress, finish.

Why in the database and not in memory: a job must survive the request that made it, be seen
by every server process and by ``lowpolitics jobs``, and be worked by a worker in ``serve``
or by ``lowpolitics jobs run`` in another process. Claiming is one conditional
``UPDATE … WHERE state = 'queued'`` whose row count says who won, so two workers never take
the same job, on SQLite and PostgreSQL alike. Every call here is its own short transaction.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store.db import session_scope
from lowpolitics.store.job_models import STATES, Job

MAX_MESSAGE = 500


@dataclass(frozen=True)
class JobSettings:
    """When work leaves the request, and how the worker behaves."""

    background_bytes: int = 1024 * 1024  # uploads larger than this (in total) become jobs
    poll_seconds: float = 1.0  # how often an idle worker looks for queued jobs
    max_attempts: int = 2  # a job interrupted this often by a dying server is failed

    @classmethod
    def from_environment(cls) -> JobSettings:
        """``LOWPOLITICS_JOB_THRESHOLD_MB`` overrides the size threshold."""
        raw = os.environ.get("LOWPOLITICS_JOB_THRESHOLD_MB")
        try:
            return cls(background_bytes=int(float(raw) * 2**20)) if raw else cls()
        except ValueError:
            return cls()


@dataclass(frozen=True)
class JobView:
    """A job as pages, the API and the CLI show it."""

    id: int
    kind: str
    state: str
    progress: float
    message: str | None
    created_by: str
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    input_ref: str | None
    params: dict
    result: dict | None
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed", "cancelled")


def _view(job: Job) -> JobView:
    return JobView(
        job.id,
        job.kind,
        job.state,
        job.progress,
        job.message,
        job.created_by,
        job.created_at,
        job.started_at,
        job.finished_at,
        job.input_ref,
        dict(job.params or {}),
        job.result,
        job.error,
    )


def _now() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """This process as it is written on the jobs it claims: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(
    engine: Engine, kind: str, who: str, input_ref: str | None = None, params: dict | None = None
) -> int:
    """A new queued job; its id."""
    with session_scope(engine) as session:
        job = Job(
            kind=kind,
            state="queued",
            progress=0.0,
            created_by=who,
            attempts=0,
            input_ref=input_ref,
            params=params or {},
        )
        session.add(job)
        session.flush()
        return job.id


def claim(engine: Engine, job_id: int, worker: str | None = None) -> bool:
    """Take ``job_id`` if it is still queued; False when another worker was first."""
    with session_scope(engine) as session:
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "queued")
            .values(
                state="running",
                started_at=_now(),
                worker=worker or worker_name(),
                attempts=Job.attempts + 1,
                message=None,
            )
        )
        return taken.rowcount == 1


def claim_next(engine: Engine, worker: str | None = None) -> JobView | None:
    """The oldest queued job, now running for this worker; None when the queue is empty."""
    while True:
        with session_scope(engine) as session:
            job_id = session.scalars(
                select(Job.id).where(Job.state == "queued").order_by(Job.id).limit(1)
            ).first()
        if job_id is None:
            return None
        if claim(engine, job_id, worker):
            return get_job(engine, job_id)


def report_progress(
    engine: Engine, job_id: int, fraction: float, message: str = "", detail: dict | None = None
) -> None:
    """How far a running job has come (0–1) and what it is doing. ``detail`` (counts a page
    shows, such as the rows an import has read) is kept as the job's ``result`` until the
    job ends and its real result replaces it."""
    values: dict[str, Any] = {
        "progress": max(0.0, min(1.0, fraction)),
        "message": message[:MAX_MESSAGE] or None,
    }
    if detail is not None:
        values["result"] = {"progress": detail}
    with session_scope(engine) as session:
        session.execute(
            update(Job).where(Job.id == job_id, Job.state == "running").values(**values)
        )


def finish(engine: Engine, job_id: int, result: dict[str, Any]) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(state="done", progress=1.0, result=result, finished_at=_now(), message=None)
        )


def fail(engine: Engine, job_id: int, error: str, result: dict | None = None) -> None:
    """The job ends with ``error``, the user-facing message (file, line, field)."""
    with session_scope(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(state="failed", error=error, result=result, finished_at=_now(), message=None)
        )


def cancel(engine: Engine, job_id: int) -> bool:
    """Cancel a job nobody has started; False when it already runs or ended."""
    with session_scope(engine) as session:
        done = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "queued")
            .values(state="cancelled", finished_at=_now())
        )
        return done.rowcount == 1


def get_job(engine: Engine, job_id: int) -> JobView:
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id}")
        return _view(job)


def list_jobs(engine: Engine, state: str | None = None, limit: int = 100) -> list[JobView]:
    """The newest jobs first."""
    if state and state not in STATES:
        raise NotFoundError(f"no job state '{state}' (one of {', '.join(STATES)})")
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        query = query.where(Job.state == state)
    with session_scope(engine) as session:
        return [_view(j) for j in session.scalars(query)]


def _alive(worker: str | None) -> bool:
    """Whether the process that claimed a job still runs; on another host we cannot tell,
    so it is taken to be alive."""
    host, _, pid = (worker or "").rpartition(":")
    if not host or not pid.isdigit():
        return False
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned(engine: Engine, settings: JobSettings | None = None) -> list[int]:
    """Jobs left ``running`` by a server that was killed: back to the queue (the imports are
    idempotent: a text stored already is found by its hash), or failed with a clear message
    once they were interrupted ``max_attempts`` times. Jobs of live workers are left alone."""
    settings = settings or JobSettings()
    with session_scope(engine) as session:
        running = [
            (j.id, j.worker, j.attempts)
            for j in session.scalars(select(Job).where(Job.state == "running"))
        ]
    recovered = []
    for job_id, worker, attempts in running:
        if worker == worker_name() or _alive(worker):
            continue
        with session_scope(engine) as session:
            if attempts >= settings.max_attempts:
                values = {
                    "state": "failed",
                    "finished_at": _now(),
                    "error": f"the server stopped while this job ran ({attempts} times); "
                    "start it again",
                }
            else:
                values = {"state": "queued", "worker": None, "progress": 0.0, "message": None}
            session.execute(
                update(Job).where(Job.id == job_id, Job.state == "running").values(**values)
            )
        recovered.append(job_id)
    return recovered
