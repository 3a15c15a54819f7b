"""Routes that write their JSON straight from the rows (``ResourceSpec.json_rows``) must send
the very bytes the response model would have sent; and the cheap token check must still note
a token's use, and still refuse an inactive user's token."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

import pytest
from pydantic import TypeAdapter
from sqlalchemy import select

from lowpolitics.store import accounts
from lowpolitics.store.activity_reading import read_activities, read_activity
from lowpolitics.store.db import session_scope
from lowpolitics.store.importing import import_file
from lowpolitics.store.models import Activity, ApiToken
from lowpolitics.web.activity_views import ActivityOut, activity_json
from lowpolitics.web.api.activities import SPEC
from lowpolitics.web.json_bodies import json_response
from lowpolitics.web.paging import KeysetPageOut, Page, PageOut, page_out


@pytest.fixture
def bundled(engine, codebook, gazetteer):
    folder = resources.files("lowpolitics.datasets").joinpath("kgtj")
    with resources.as_file(folder.joinpath("registry.csv")) as path:
        import_file(engine, "registry", path, codebook, gazetteer)
    return engine


def _model_bytes(model, body) -> bytes:
    adapter = TypeAdapter(model)
    return adapter.dump_json(adapter.validate_python(body))


def test_every_bundled_activity_writes_the_bytes_of_its_model(bundled):
    assert SPEC.json_rows
    with session_scope(bundled) as session:
        ids = list(session.scalars(select(Activity.id).order_by(Activity.id)))
        bodies = [activity_json(a) for a in read_activities(session, ids)]
    assert len(bodies) > 400
    for body in bodies:
        assert json_response(body).body == _model_bytes(ActivityOut, body), body["id"]
    page = page_out(Page(bodies[:50], len(bodies), 1, 50), bodies[:50])
    assert json_response(page).body == _model_bytes(PageOut[ActivityOut], page)
    for number, following in ((1, "WzEsImRhdGUiXQ"), (0, None)):  # by number, by cursor
        chunk = Page(bodies[:50], len(bodies), number, 50, following)
        page = page_out(chunk, bodies[:50], keyset=True)
        assert json_response(page).body == _model_bytes(KeysetPageOut[ActivityOut], page)
    # what the comparison must have exercised: text outside ASCII, nulls, nested lists
    texts = [b[name] or "" for b in bodies for name in ("title", "place", "notes", "title_ru")]
    assert any(not text.isascii() for text in texts)
    assert any(b["status_history"] for b in bodies) and any(b["end_date"] is None for b in bodies)


def test_the_api_sends_an_activity_and_a_page_as_the_model_would(bundled, web):
    client = web.client()
    one = client.get("/api/v1/activities/kgtj-a-0001", headers=web.bearer("viewer"))
    assert one.status_code == 200 and one.headers["content-type"] == "application/json"
    with session_scope(bundled) as session:
        expected = activity_json(read_activity(session, "kgtj-a-0001"))
    assert one.content == _model_bytes(ActivityOut, expected)
    assert one.headers["etag"] == f'"{expected["version"]}"'
    assert one.headers["x-content-type-options"] == "nosniff"
    listed = client.get("/api/v1/activities?page=2&per_page=20", headers=web.bearer("viewer"))
    assert listed.status_code == 200
    assert listed.content == _model_bytes(KeysetPageOut[ActivityOut], listed.json())
    assert len(listed.json()["items"]) == 20
    following = client.get(
        f"/api/v1/activities?per_page=20&after={listed.json()['next']}",
        headers=web.bearer("viewer"),
    )
    assert following.content == _model_bytes(KeysetPageOut[ActivityOut], following.json())
    assert following.json()["page"] is None and len(following.json()["items"]) == 20


def test_a_token_is_noted_when_used_and_refused_once_its_user_is_inactive(web):
    client = web.client()
    assert client.get("/api/v1/me", headers=web.bearer("coder")).status_code == 200
    with session_scope(web.engine) as session:
        first = session.scalars(select(ApiToken.last_used_at)).all()
    assert sum(1 for moment in first if moment is not None) == 1
    # used again within TOKEN_TOUCH_EVERY: not written again
    assert client.get("/api/v1/me", headers=web.bearer("coder")).status_code == 200
    with session_scope(web.engine) as session:
        assert session.scalars(select(ApiToken.last_used_at)).all() == first
        token = session.scalars(select(ApiToken).where(ApiToken.last_used_at.is_not(None))).one()
        token.last_used_at = token.last_used_at - accounts.TOKEN_TOUCH_EVERY - timedelta(1)
    assert client.get("/api/v1/me", headers=web.bearer("coder")).status_code == 200
    with session_scope(web.engine) as session:
        assert session.scalars(select(ApiToken.last_used_at)).all() != first
        accounts.update_user(session, "coder", who="test", active=False)
    refused = client.get("/api/v1/me", headers=web.bearer("coder"))
    assert refused.status_code == 401
