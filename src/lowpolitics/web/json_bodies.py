"""JSON responses written straight from bodies already in the response model's shape.

FastAPI validates what a route returns against its ``response_model`` and then serialises
the validated model. For a body built field by field from typed rows in the model's order
(an activity: ``activity_views.activity_json``) the validation only copies it, yet it cost
about as much CPU as reading the activity, and for a sync route it is one more trip through
the thread pool (issue 17, API latency). ``json_response`` writes the body with the same
serialiser that FastAPI's response-model path uses (pydantic-core's), so the bytes are the
same — the routes that use it have a test comparing them — and the route keeps its
``response_model`` for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic_core import to_json


def json_response(body: Any, status_code: int = 200) -> Response:
    """``body`` as ``application/json``, serialised as a validated response model is."""
    return Response(to_json(body), status_code=status_code, media_type="application/json")
