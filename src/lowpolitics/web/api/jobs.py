"""``/api/v1/jobs/{id}``: a job's state for scripts that got ``202 Accepted`` with its
Location (a big upload through the API, a brief built in the background)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from lowpolitics.store import jobs
from lowpolitics.web.auth import VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.pages.jobs import job_json

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("/{job_id}")
def job_api(request: Request, job_id: int, who: Principal = requires(VIEWER)) -> dict:
    """A job's state, progress (0–1), and when it has ended its result or error."""
    return job_json(jobs.get_job(web_context(request).engine, job_id))
