"""Every route of the app, walked for every role: each role gets exactly what it should.

The least role of a route is read off the route itself (``requires(...)``), checked against
the access policy below, and then exercised: lower roles are refused (401 anonymous, 403
logged in), the role itself and higher ones are let through (whatever the answer for a
made-up record is, it is not a refusal and never a server error). Also: CSRF is refused on
every state-changing route, and the OpenAPI document is valid.
"""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from lowpolitics.web.routes import ROUTERS

ROLES = ("viewer", "coder", "editor", "admin")
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/lang/{code}"),
    ("GET", "/healthz"),
}
CODER_WRITES = re.compile(r"^/(api/v1/)?(codings|memos|documents/\{[^}]+\}/(codings|code|memos))")


def least_role(route: APIRoute) -> str | None:
    for dependency in route.dependant.dependencies:
        role = getattr(dependency.call, "min_role", None)
        if role:
            return role
    return None


def policy(method: str, path: str) -> str:
    """The access rules of the product, written out independently of the code."""
    if path.startswith(("/admin", "/api/v1/users", "/api/v1/audit")):
        return "admin"
    if path.startswith(("/import", "/api/v1/imports")):
        return "editor"
    if method == "GET" and path.endswith(("/new", "/edit", "/upload")):
        return "editor"  # the form to change the registry is for those who may change it
    if method == "GET":
        return "viewer"
    if CODER_WRITES.match(path):
        return "coder"
    return "editor"


def app_routes(app) -> list[tuple[str, str, APIRoute]]:
    """Every (method, path, route) the app serves. FastAPI keeps included routers behind
    wrappers, so the routes are read from the routers the app was built from — the same
    list ``create_app`` includes — and checked to be reachable in the app."""
    found = []
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute):
                for method in sorted(route.methods - {"HEAD"}):
                    found.append((method, route.path, route))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_declares_the_role_the_policy_asks_for(web):
    seen = set()
    for method, path, route in app_routes(web.app):
        role = least_role(route)
        if (method, path) in PUBLIC:
            assert role is None, f"{method} {path} should be public"
            continue
        assert role is not None, f"{method} {path} declares no role"
        assert role == policy(method, path), f"{method} {path}: {role} vs {policy(method, path)}"
        seen.add(path)
    assert len(seen) > 20


def _call(client, method: str, url: str, headers: dict):
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, url, headers=headers, json={}, follow_redirects=False)
    return client.request(method, url, headers=headers, follow_redirects=False)


def test_each_role_gets_exactly_what_it_should(web):
    """All roles in one app, so that what a route computes once (an analysis, a brief) is
    shared through the app's cache instead of being rebuilt for every role."""
    client = web.client()
    for who in (None, *ROLES):
        headers = web.bearer(who) if who else {}
        rank = -1 if who is None else ROLES.index(who)
        for method, path, route in app_routes(web.app):
            role = least_role(route)
            if role is None:
                continue
            url = concrete(path)
            response = _call(client, method, url, headers)
            where = f"{who or 'anonymous'} {method} {url} → {response.status_code}"
            assert response.status_code < 500, where + " " + response.text[:300]
            if rank < ROLES.index(role):
                if who is None:
                    location = response.headers.get("location", "")
                    redirected = response.status_code == 303 and "/login" in location
                    assert response.status_code == 401 or redirected, where
                else:
                    assert response.status_code == 403, where
            else:
                assert response.status_code not in (401, 403), where + " " + response.text[:300]


def test_csrf_is_refused_on_every_state_changing_route(web):
    admin = web.client("admin")
    for method, path, route in app_routes(web.app):
        if method == "GET" or least_role(route) is None:
            continue
        response = admin.request(method, concrete(path), data={"x": "1"}, follow_redirects=False)
        assert response.status_code == 403, f"{method} {path} → {response.status_code}"
        forged = admin.request(
            method, concrete(path), headers={"X-CSRF-Token": "forged"}, follow_redirects=False
        )
        assert forged.status_code == 403, f"{method} {path} (forged) → {forged.status_code}"


def test_openapi_document_is_valid_and_covers_the_api(web):
    from openapi_spec_validator import validate

    spec = web.client().get("/api/openapi.json").json()
    validate(spec)
    api_paths = {path for _, path, _ in app_routes(web.app) if path.startswith("/api/v1/")}
    assert api_paths <= set(spec["paths"])
    assert not any(p.startswith(("/activities", "/admin", "/login")) for p in spec["paths"])


def test_edges_found_by_fuzzing_the_api(web):
    """Cases a schemathesis run over /api/openapi.json turned up."""
    client = web.client()
    admin = web.bearer("admin")
    huge = client.get("/api/v1/actors/45629798303875842048", headers=admin)
    assert huge.status_code == 422 and huge.json()["error"]["type"] == "input_error"
    assert client.get("/api/v1/audit?day_to=0", headers=admin).status_code == 422
    assert client.get("/api/v1/documents/1%C2%B3", headers=admin).status_code == 404  # '1³'
    body = {"key": "водхона-\U000a120c", "name": "Water sharing group", "kind": "working_group"}
    made = client.post("/api/v1/bodies", json=body, headers=admin)
    assert made.status_code in (201, 422), made.text  # never a 500 for a non-ASCII key
    if made.status_code == 201:
        assert made.headers["location"].startswith("/api/v1/bodies/%D0%B2")
    refused = client.options("/api/v1/activities", headers=admin)
    assert refused.status_code == 405
    assert set(refused.headers["allow"].split(", ")) == {"GET", "POST"}
    spec = client.get("/api/openapi.json").json()
    listing = spec["paths"]["/api/v1/activities"]["get"]["responses"]
    assert {"401", "403", "422"} <= set(listing)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
