"""``lowpolitics jobs``: the job queue — list, show one, and work it from this process.

``serve`` works the queue in a thread of its own unless started with ``--no-jobs``; then
(or to add capacity) ``lowpolitics jobs run`` takes the same queue from another process.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import typer

from lowpolitics.cli.output import out, print_table
from lowpolitics.cli.state import State
from lowpolitics.store import jobs
from lowpolitics.store.db import require_schema

jobs_app = typer.Typer(
    help="Background jobs (big uploads, briefs): list, show, run.", invoke_without_command=True
)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


@jobs_app.callback()
def list_command(
    ctx: typer.Context,
    state: str | None = typer.Option(None, "--state", help="queued, running, done, failed …"),
    limit: int = typer.Option(50, "--limit", min=1, help="at most this many, newest first"),
) -> None:
    """List the newest jobs (without a subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    engine = ctx.obj.engine
    require_schema(engine)
    found = jobs.list_jobs(engine, state, limit)
    if not found:
        out().print("no jobs", highlight=False)
        return
    rows = [
        (j.id, j.kind, j.state, f"{j.progress:.0%}", j.created_by, _when(j.created_at), j.error)
        for j in found
    ]
    print_table(None, ["id", "kind", "state", "progress", "by", "created", "error"], rows)


@jobs_app.command("show")
def show(ctx: typer.Context, job_id: int = typer.Argument(..., help="the job's number")) -> None:
    """One job: state, progress, times, and its result or error."""
    engine = ctx.obj.engine
    require_schema(engine)
    job = jobs.get_job(engine, job_id)
    lines = [
        f"job {job.id}: {job.kind}",
        f"state: {job.state}" + (f" ({job.progress:.0%})" if job.state == "running" else ""),
        f"by: {job.created_by}",
        f"created: {_when(job.created_at)}",
        f"started: {_when(job.started_at)}",
        f"finished: {_when(job.finished_at)}",
    ]
    if job.message:
        lines.append(f"now: {job.message}")
    if job.error:
        lines.append(f"error: {job.error}")
    if job.result is not None:
        lines.append("result: " + json.dumps(job.result, ensure_ascii=False, indent=2))
    out().print("\n".join(lines), highlight=False, markup=False)


@jobs_app.command("run")
def run(
    ctx: typer.Context,
    work_dir: Path = typer.Option(
        ..., "--work-dir", help="the work folder the server was started with (--work-dir)"
    ),
    once: bool = typer.Option(False, "--once", help="stop when the queue is empty"),
) -> None:
    """Work the queue from this process (Ctrl+C stops after the current job)."""
    from lowpolitics.web.job_worker import work_queue

    state: State = ctx.obj
    require_schema(state.engine)
    stop = threading.Event()
    try:
        done = work_queue(
            state.engine,
            state.codebook,
            work_dir,
            jobs.JobSettings.from_environment(),
            stop,
            once=once,
        )
    except KeyboardInterrupt:
        stop.set()
        return
    out().print(f"{done} jobs done", highlight=False)
