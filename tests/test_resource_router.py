"""The generic resource router: a new entity is one ``ResourceSpec`` of declarations — its
list is filtered, sorted and paged by SQL (only a page of rows is fetched), its reads carry
the version as ETag and its changes must name it — and the ported entities keep the API
they had (same operations, same models), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pydantic import BaseModel, Field
from sqlalchemy import event, func

from lowpolitics.store.db import session_scope
from lowpolitics.store.models import Actor
from lowpolitics.store.registry_entities import delete_actor, get_actor, save_actor
from lowpolitics.web.api.resource_router import resource_router
from lowpolitics.web.auth import ADMIN, VIEWER
from lowpolitics.web.crud import StrictIn
from lowpolitics.web.merge_patch import MERGE_PATCH, patch_model
from lowpolitics.web.resources import Filter, ResourceSpec, text_in

# --- a toy entity: actors seen through declarations alone ---------------------------------


class PersonIn(StrictIn):
    name: str
    country: str


class PersonUpdate(PersonIn):
    version: int


class PersonOut(BaseModel):
    id: int
    name: str
    country: str
    version: int = Field(..., description="the version to name when changing it")


def _rows(ctx, session, actors: Sequence[Actor]) -> list[dict]:
    return [
        {"id": a.id, "name": a.name, "country": a.country_code, "version": a.version}
        for a in actors
    ]


TOY = ResourceSpec(
    name="people",
    noun="person",
    model=Actor,
    key_column="id",
    key_param="person_id",
    key_type=int,
    schema_in=PersonIn,
    schema_update=PersonUpdate,
    schema_patch=patch_model(PersonIn),
    schema_out=PersonOut,
    load=get_actor,
    save=lambda ctx, session, data, who, key, version: save_actor(
        session, ctx.codebook, data, who=who, actor_id=key, version=version, source="toy"
    ),
    delete=lambda session, key, who, version: delete_actor(session, key, who=who, version=version),
    rows=_rows,
    filters={
        "country": Filter(lambda v: Actor.country_code == v.upper()),
        "q": Filter(lambda v: text_in(v, Actor.name)),
        "min_id": Filter(lambda v: Actor.id >= v, type=int, description="ids from this one"),
    },
    sorts={"name": (func.lower(Actor.name),), "country": (Actor.country_code, Actor.name)},
    default_sort="name",
    sort_doc="name or country; - to reverse",
    read_role=VIEWER,
    write_role=ADMIN,
)


@pytest.fixture
def toy(web):
    web.app.include_router(resource_router(TOY))
    with session_scope(web.engine) as session:
        for n in range(30):
            country = "KG" if n % 3 else "TJ"
            session.add(Actor(name=f"Person {n:02d}", country_code=country))
    return web


@pytest.fixture
def loaded():
    """How many Actor rows the ORM builds from fetched rows (a row fetched is a row loaded)."""
    count = {"rows": 0}

    def on_load(target, context):
        count["rows"] += 1

    event.listen(Actor, "load", on_load)
    yield count
    event.remove(Actor, "load", on_load)


def test_a_declared_entity_lists_by_sql_fetching_one_page(toy, loaded):
    client, viewer = toy.client(), toy.bearer("viewer")
    answer = client.get("/api/v1/people?country=kg&sort=-name&per_page=4&page=2", headers=viewer)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == 20 and page["page"] == 2 and page["per_page"] == 4
    names = [p["name"] for p in page["items"]]
    assert names == ["Person 23", "Person 22", "Person 20", "Person 19"]
    assert loaded["rows"] <= 4

    bad = client.get("/api/v1/people?min_id=many", headers=viewer)
    assert bad.status_code == 422 and "min_id" in bad.text
    bad = client.get("/api/v1/people?sort=colour", headers=viewer)
    assert bad.status_code == 422 and "sort" in bad.text
    assert client.get("/api/v1/people").status_code == 401


def test_a_declared_entity_reads_and_changes_by_version(toy):
    client, viewer, admin = toy.client(), toy.bearer("viewer"), toy.bearer("admin")
    made = client.post("/api/v1/people", json={"name": "Aida", "country": "KG"}, headers=admin)
    assert made.status_code == 201
    key = made.json()["id"]
    assert made.headers["Location"] == f"/api/v1/people/{key}"
    editor_try = {"name": "Aida", "country": "TJ"}
    assert client.post("/api/v1/people", json=editor_try, headers=viewer).status_code == 403

    read = client.get(f"/api/v1/people/{key}", headers=viewer)
    assert read.headers["ETag"] == '"1"' and read.json()["name"] == "Aida"
    headers = {**admin, "Content-Type": MERGE_PATCH}
    unversioned = client.patch(f"/api/v1/people/{key}", json={"name": "Aida B"}, headers=headers)
    assert unversioned.status_code == 428
    patched = client.patch(
        f"/api/v1/people/{key}", json={"name": "Aida B"}, headers={**headers, "If-Match": '"1"'}
    )
    assert patched.status_code == 200 and patched.json()["country"] == "KG"
    assert patched.headers["ETag"] == '"2"'
    stale = client.put(
        f"/api/v1/people/{key}", json={"name": "X", "country": "KG", "version": 1}, headers=admin
    )
    assert stale.status_code == 409 and stale.json()["error"]["current_version"] == 2

    assert client.delete(f"/api/v1/people/{key}", headers=admin).status_code == 428
    assert client.delete(f"/api/v1/people/{key}?version=1", headers=admin).status_code == 409
    assert client.delete(f"/api/v1/people/{key}?version=2", headers=admin).status_code == 204
    assert client.get(f"/api/v1/people/{key}", headers=viewer).status_code == 404


def test_ported_lists_fetch_only_a_page(web, loaded):
    client, editor = web.client(), web.bearer("editor")
    for n in range(12):
        actor = {"name": f"Theatre {n}", "country": "KG"}
        assert client.post("/api/v1/actors", json=actor, headers=editor).status_code == 201
    loaded["rows"] = 0
    page = client.get("/api/v1/actors?sort=activities&per_page=5&page=2", headers=editor).json()
    assert page["total"] == 12 and len(page["items"]) == 5
    assert loaded["rows"] <= 5


# The API of the ported entities before they were ported: operation → (parameters, request
# model, response model), from the OpenAPI document.
BEFORE = {
    "DELETE /api/v1/actors/{actor_id}": (["If-Match", "actor_id", "version"], [], []),
    "DELETE /api/v1/bodies/{key}": (["If-Match", "key", "version"], [], []),
    "DELETE /api/v1/initiatives/{initiative_id}": (
        ["If-Match", "initiative_id", "version"],
        [],
        [],
    ),
    "GET /api/v1/actors": (
        ["country", "page", "per_page", "q", "sort", "type"],
        [],
        ["PageOut_ActorOut_"],
    ),
    "GET /api/v1/actors/{actor_id}": (["actor_id"], [], ["ActorOut"]),
    "GET /api/v1/bodies": (
        ["instrument", "kind", "page", "per_page", "q", "sort"],
        [],
        ["PageOut_BodyOut_"],
    ),
    "GET /api/v1/bodies/{key}": (["key"], [], ["BodyOut"]),
    "GET /api/v1/initiatives": (
        ["activity_type", "body", "instrument", "mechanism", "page", "per_page", "q", "sort"],
        [],
        ["PageOut_InitiativeOut_"],
    ),
    "GET /api/v1/initiatives/{initiative_id}": (["initiative_id"], [], ["InitiativeOut"]),
    "PATCH /api/v1/actors/{actor_id}": (["If-Match", "actor_id"], ["ActorPatch"], ["ActorOut"]),
    "PATCH /api/v1/bodies/{key}": (["If-Match", "key"], ["BodyPatch"], ["BodyOut"]),
    "PATCH /api/v1/initiatives/{initiative_id}": (
        ["If-Match", "initiative_id"],
        ["InitiativePatch"],
        ["InitiativeOut"],
    ),
    "POST /api/v1/actors": ([], ["ActorIn"], ["ActorOut"]),
    "POST /api/v1/bodies": ([], ["BodyIn"], ["BodyOut"]),
    "POST /api/v1/initiatives": ([], ["InitiativeIn"], ["InitiativeOut"]),
    "PUT /api/v1/actors/{actor_id}": (["actor_id"], ["ActorUpdate"], ["ActorOut"]),
    "PUT /api/v1/bodies/{key}": (["key"], ["BodyUpdate"], ["BodyOut"]),
    "DELETE /api/v1/instruments/{key}": (["If-Match", "key", "version"], [], []),
    "GET /api/v1/instruments": (
        ["kind", "page", "per_page", "q", "sort", "status"],
        [],
        ["PageOut_InstrumentOut_"],
    ),
    "GET /api/v1/instruments/{key}": (["key"], [], ["InstrumentOut"]),
    "PATCH /api/v1/instruments/{key}": (
        ["If-Match", "key"],
        ["InstrumentPatch"],
        ["InstrumentOut"],
    ),
    "POST /api/v1/instruments": ([], ["InstrumentIn"], ["InstrumentOut"]),
    "POST /api/v1/instruments/{key}/commitments": (["key"], ["CommitmentIn"], ["CommitmentOut"]),
    "PUT /api/v1/instruments/{key}": (["key"], ["InstrumentUpdate"], ["InstrumentOut"]),
    "PUT /api/v1/initiatives/{initiative_id}": (
        ["initiative_id"],
        ["InitiativeUpdate"],
        ["InitiativeOut"],
    ),
}


PORTED = ("/api/v1/actors", "/api/v1/bodies", "/api/v1/initiatives", "/api/v1/instruments")


def _models(content: dict) -> list[str]:
    return sorted({c["schema"].get("$ref", "").rsplit("/", 1)[-1] for c in content.values()})


def test_ported_entities_keep_their_openapi_operations_and_models(web):
    doc = web.app.openapi()
    now = {}
    for path, operations in doc["paths"].items():
        if not path.startswith(PORTED):
            continue
        for method, op in operations.items():
            answers = {k: _models(v.get("content", {})) for k, v in op["responses"].items()}
            now[f"{method.upper()} {path}"] = (
                sorted(p["name"] for p in op.get("parameters", [])),
                _models(op.get("requestBody", {}).get("content", {})),
                answers.get("200") or answers.get("201") or [],
            )
    assert now == BEFORE


ORDERS = {
    "actors": ("id", ["name", "country", "type", "activities"]),
    "bodies": ("key", ["key", "name", "kind", "rhythm"]),
    "initiatives": ("id", ["name", "mechanism", "activities", "first", "last"]),
    "instruments": ("key", ["key", "title", "signed", "status", "idle"]),
}


def _finder(name: str):
    from lowpolitics.web import entity_views as views

    return {
        "actors": lambda s, cb, sort: views.find_actors(s, cb, sort=sort),
        "bodies": lambda s, cb, sort: views.find_bodies(s, sort=sort),
        "initiatives": lambda s, cb, sort: views.find_initiatives(s, sort=sort),
        "instruments": lambda s, cb, sort: views.find_instruments(s, sort=sort),
    }[name]


def test_sql_lists_order_the_demo_data_as_the_pages_do(demo_db, tmp_path, codebook, gazetteer):
    """Every sort key, both ways, on the bundled demo data: the API's SQL order is the
    order the pages compute in Python (which loads every row)."""
    from conftest import WebApp, copy_sqlite
    from lowpolitics.store.db import make_engine

    engine = make_engine(copy_sqlite(demo_db, tmp_path / "demo.db"))
    web = WebApp(engine, codebook, gazetteer, tmp_path / "work")
    client, viewer = web.client(), web.bearer("viewer")
    for name, (key, sorts) in ORDERS.items():
        for sort in [*sorts, *(f"-{s}" for s in sorts)]:
            api, page, total = [], 1, 1
            while len(api) < total:
                url = f"/api/v1/{name}?sort={sort}&per_page=500&page={page}"
                answer = client.get(url, headers=viewer)
                assert answer.status_code == 200, answer.text
                items = answer.json()["items"]
                assert items, f"{name} page {page} is empty"
                api += [row[key] for row in items]
                total, page = answer.json()["total"], page + 1
            with session_scope(engine) as session:
                pages = [row[key] for row in _finder(name)(session, codebook, sort)]
            assert api and api == pages, f"{name} sort={sort}"
    engine.dispose()
