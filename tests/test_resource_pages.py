"""Every registry entity's web layer has one shape: its API routes are the generic ones of
``web.api.resource_router`` built from one ``ResourceSpec``, and its pages are the generic
views of ``web.pages.resource_pages`` built from a ``PageSpec`` over that same spec — so the
pages and the API agree on the key, the filters and the roles."""

from __future__ import annotations

import importlib

import pytest
from fastapi.routing import APIRoute

from lowpolitics.web.pages.resource_pages import PageSpec
from lowpolitics.web.resources import ResourceSpec

API = ("actors", "bodies", "initiatives", "instruments", "places", "context", "activities")
PAGES = API


def _routes(router) -> list[APIRoute]:
    return [r for r in router.routes if isinstance(r, APIRoute)]


@pytest.mark.parametrize("name", API)
def test_each_entity_api_is_one_declaration(name):
    module = importlib.import_module(f"lowpolitics.web.api.{name}")
    assert isinstance(module.SPEC, ResourceSpec)
    routes = _routes(module.router)
    assert {m for r in routes for m in r.methods} >= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    for route in routes:
        if route.path.startswith(module.SPEC.prefix) and "/commitments" not in route.path:
            assert route.endpoint.__module__ == "lowpolitics.web.api.resource_router", route.path


@pytest.mark.parametrize("name", PAGES)
def test_ported_pages_are_one_declaration_over_the_api_spec(name):
    pages = importlib.import_module(f"lowpolitics.web.pages.{name}")
    api = importlib.import_module(f"lowpolitics.web.api.{name}")
    assert isinstance(pages.PAGES, PageSpec) and pages.PAGES.resource is api.SPEC
    generic = [
        (sorted(r.methods), r.path)
        for r in _routes(pages.router)
        if r.endpoint.__module__ == "lowpolitics.web.pages.resource_pages"
    ]
    base, item = f"/{name}", f"/{name}/{{{api.SPEC.key_param}}}"
    download = [(["GET"], f"{base}.{{fmt}}")] if pages.PAGES.export else []
    assert generic == [
        (["GET"], base),
        *download,
        (["GET"], f"{base}/new"),
        (["POST"], f"{base}/new"),
        (["GET"], item),
        (["GET"], f"{item}/edit"),
        (["POST"], f"{item}/edit"),
        (["POST"], f"{item}/delete"),
    ]
    own = [r.path for r in _routes(pages.router) if r.endpoint.__module__ == pages.__name__]
    assert all(path.startswith(f"{item}/") for path in own), own  # within one record only


def test_a_page_of_places_counts_the_uses_of_its_own_places(demo_db, tmp_path):
    from conftest import copy_sqlite
    from lowpolitics.store.db import make_engine, session_scope
    from lowpolitics.store.places_edit import place_use

    engine = make_engine(copy_sqlite(demo_db, tmp_path / "demo.db"))
    with session_scope(engine) as session:
        every = place_use(session)
        some = sorted(every)[:3]
        assert len(some) == 3
        assert place_use(session, [*some, "nowhere"]) == {k: every[k] for k in some}
        assert place_use(session, []) == {}
    engine.dispose()
