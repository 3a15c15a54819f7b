"""Job pages: ``/jobs`` (the newest jobs), ``/jobs/{id}`` (state and progress, refreshed by
htmx until the job ends; the report or error when it has), the files a job made (a brief),
and (in ``web.api.jobs``) ``/api/v1/jobs/{id}`` for scripts that got ``202 Accepted``.

A big upload answers at once with a redirect here instead of keeping the request (and, as
it used to, the database's write lock) for minutes; see ``web.job_worker``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from lowpolitics.framework.errors import NotFoundError
from lowpolitics.store import jobs
from lowpolitics.web.auth import VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.job_worker import BRIEF, IMPORT_CHECK, job_folder
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)


def job_json(job: jobs.JobView) -> dict:
    """A job as the API answers it (times in ISO 8601)."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": round(job.progress, 3),
        "message": job.message,
        "created_by": job.created_by,
        "created_at": when(job.created_at),
        "started_at": when(job.started_at),
        "finished_at": when(job.finished_at),
        "result": job.result,
        "error": job.error,
        "url": f"/jobs/{job.id}",
    }


def accepted(job_id: int) -> Response:
    """The answer to a form whose work became a job: see the job's page."""
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.get("/jobs")
def job_list(request: Request, who: Principal = requires(VIEWER)) -> Response:
    found = jobs.list_jobs(web_context(request).engine)
    return render(request, "jobs/list.html.j2", {"jobs": found})


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, who: Principal = requires(VIEWER)) -> Response:
    job = jobs.get_job(web_context(request).engine, job_id)
    partial = request.headers.get("HX-Request") == "true"
    template = "jobs/_state.html.j2" if partial else "jobs/detail.html.j2"
    response = render(request, template, {"job": job})
    token = (job.result or {}).get("token") if job.state == "done" else None
    if partial and job.kind == IMPORT_CHECK and token and not job.params.get("discard"):
        # a big upload checked: the page that was following the job goes on to the preview
        encoding = (job.result or {}).get("encoding") or "detect"
        response.headers["HX-Redirect"] = f"/import/{token}?encoding={encoding}"
    return response


@router.get("/jobs/{job_id}/files/{name}")
def job_file(
    request: Request, job_id: int, name: str, who: Principal = requires(VIEWER)
) -> Response:
    ctx = web_context(request)
    job = jobs.get_job(ctx.engine, job_id)
    made = (job.result or {}).get("files", []) if job.state == "done" else []
    if job.kind != BRIEF or name not in made:
        raise NotFoundError(f"job {job_id} made no file '{name}'")
    media = "application/pdf" if name.endswith(".pdf") else "text/html; charset=utf-8"
    return FileResponse(job_folder(ctx.work_dir, job_id) / name, media_type=media, filename=name)
