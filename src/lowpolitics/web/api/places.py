"""/api/v1/places — the places of the gazetteer table (and editors' own) over HTTP.

Each place comes with how many activities and context events are at it. Deleting a place
that records use is refused (409) with the counts; so is deleting a place of the shipped
gazetteer, which importers link names to. The filtering and JSON conversion here are shared
with the place pages (``web.pages.places``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.framework.folding import fold
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.store.models import Place
from lowpolitics.store.places_edit import (
    PLACE_KINDS,
    PlaceUse,
    delete_place,
    get_place,
    list_places,
    place_dict,
    place_names,
    place_use,
    save_place,
    use_of,
)
from lowpolitics.web import crud
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.crud import created, deleted
from lowpolitics.web.merge_patch import PatchHeaders, apply_patch, patch_model
from lowpolitics.web.paging import PageOut, page_out, paginate
from lowpolitics.web.versions import DeleteVersion, tagged

router = APIRouter(prefix="/api/v1/places", tags=["places"])

KIND_RANK = {kind: rank for rank, kind in enumerate(PLACE_KINDS)}
SORTS = {
    "name": lambda p, use: (p.name_en.casefold(), p.id),
    "country": lambda p, use: (p.country_code, p.region_code or "", p.name_en.casefold()),
    "region": lambda p, use: (p.region_code or "", p.name_en.casefold()),
    "kind": lambda p, use: (KIND_RANK.get(p.kind, 99), p.name_en.casefold()),
    "activities": lambda p, use: (use.activities, use.context_events, p.id),
    "events": lambda p, use: (use.context_events, use.activities, p.id),
    "id": lambda p, use: (p.id,),
}


def place_kinds(gazetteer: Gazetteer) -> list[str]:
    """The kinds of place an editor may choose: the usual ones and any the gazetteer adds."""
    extra = sorted({p.kind for p in gazetteer.places} - set(PLACE_KINDS))
    return [*PLACE_KINDS, *extra]


def _matches(place: Place, needle: str, folded: str) -> bool:
    for name in (*place_names(place), place.id):
        if needle in name.casefold() or (folded and folded in fold(name)):
            return True
    return False


def find_places(
    session: Session,
    *,
    country: str | None = None,
    region: str | None = None,
    kind: str | None = None,
    border: str | None = None,
    q: str | None = None,
    sort: str = "country",
) -> tuple[list[Place], dict[str, PlaceUse]]:
    """Places by country, region, kind, border flag and text in any of their names, with
    how many records use each."""
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InputError(
            [
                CellError(
                    "query", None, "sort", sort, f"one of {', '.join(SORTS)} (with - to reverse)"
                )
            ],
            f"cannot sort by '{sort}'",
        )
    flag = (border or "").strip().lower()
    if flag not in ("", "yes", "no", "true", "false"):
        raise InputError(
            [CellError("query", None, "border", border, "yes or no")], "'border' is yes or no"
        )
    rows = list_places(session)
    if country:
        rows = [p for p in rows if p.country_code == country.strip().upper()]
    if region:
        rows = [p for p in rows if (p.region_code or "") == region.strip().upper()]
    if kind:
        rows = [p for p in rows if p.kind == kind.strip().lower()]
    if flag:
        wanted = flag in ("yes", "true")
        rows = [p for p in rows if bool(p.border_area) == wanted]
    if q and q.strip():
        needle = q.strip().casefold()
        folded = fold(q)
        rows = [p for p in rows if _matches(p, needle, folded)]
    use = place_use(session)
    empty = PlaceUse()
    rows.sort(key=lambda p: SORTS[key](p, use.get(p.id, empty)), reverse=sort.startswith("-"))
    return rows, use


def place_json(place: Place, use: PlaceUse, gazetteer: Gazetteer) -> dict[str, Any]:
    """A place's fields with JSON types, its version and how many records use it."""
    return {
        **place_dict(place),
        "version": place.version,
        "activities": use.activities,
        "context_events": use.context_events,
        "in_gazetteer": place.id in gazetteer.by_id,
    }


class PlaceIn(BaseModel):
    """A place. Names in four languages; the English (Latin-script) one is required."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None, description="lower-case letters, digits, _ . - (required to create)"
    )
    kind: str = Field(..., examples=["village"])
    country: str = Field(..., description="ISO 3166-1 alpha-2, or INT", examples=["KG"])
    region: str | None = Field(None, description="ISO 3166-2 code", examples=["KG-B"])
    name_en: str = Field(..., examples=["Kok-Tash"])
    name_ru: str | None = Field(None, examples=["Кок-Таш"])
    name_ky: str | None = None
    name_tg: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    border_area: bool = False


class PlaceUpdate(PlaceIn):
    """An update names the version it was based on; a stale one is refused with 409."""

    version: int = Field(..., description="the version you read (GET returns it)")


PlacePatch = patch_model(PlaceIn)


class PlaceOut(BaseModel):
    id: str
    kind: str
    country: str
    region: str | None
    name_en: str
    name_ru: str | None
    name_ky: str | None
    name_tg: str | None
    lat: float | None
    lon: float | None
    border_area: bool
    version: int
    activities: int
    context_events: int
    in_gazetteer: bool


@router.get("", response_model=PageOut[PlaceOut])
def list_(
    request: Request,
    country: str | None = Query(None, description="ISO 3166-1 alpha-2, e.g. KG"),
    region: str | None = Query(None, description="ISO 3166-2 code, e.g. KG-B"),
    kind: str | None = Query(None, description="village, town, city, region …"),
    border: str | None = Query(None, description="yes: border areas only; no: the others"),
    q: str | None = Query(None, description="text in any of the names (any spelling)"),
    sort: str = Query(
        "country",
        description="country, name, region, kind, activities, events or id; prefix - to reverse",
        pattern=crud.sort_pattern(SORTS),
    ),
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
    who: Principal = requires(VIEWER),
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        rows, use = find_places(
            session, country=country, region=region, kind=kind, border=border, q=q, sort=sort
        )
        chunk = paginate(rows, page, per_page)
        empty = PlaceUse()
        return page_out(
            chunk, [place_json(p, use.get(p.id, empty), ctx.gazetteer) for p in chunk.items]
        )


@router.get("/{key}", response_model=PlaceOut)
def get(request: Request, key: str, response: Response, who: Principal = requires(VIEWER)) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        place = get_place(session, key)
        return tagged(response, place_json(place, use_of(session, key), ctx.gazetteer))


@router.post("", response_model=PlaceOut, status_code=201)
def create(
    request: Request, body: PlaceIn, response: Response, who: Principal = requires(EDITOR)
) -> dict:
    ctx = web_context(request)
    with ctx.session() as session:
        place = save_place(
            session,
            body.model_dump(),
            who=who.name,
            kinds=place_kinds(ctx.gazetteer),
            source="request body",
        )
        out = place_json(place, PlaceUse(), ctx.gazetteer)
        return created(response, f"/api/v1/places/{place.id}", out)


def _save(request: Request, session: Session, key: str, data: dict, version: int, who) -> dict:
    ctx = web_context(request)
    place = save_place(
        session,
        data,
        who=who.name,
        key=key,
        version=version,
        kinds=place_kinds(ctx.gazetteer),
        source="request body",
    )
    return place_json(place, use_of(session, key), ctx.gazetteer)


@router.put("/{key}", response_model=PlaceOut)
def update(
    request: Request,
    key: str,
    body: PlaceUpdate,
    response: Response,
    who: Principal = requires(EDITOR),
) -> dict:
    with web_context(request).session() as session:
        data = body.model_dump(exclude={"version"})
        return tagged(response, _save(request, session, key, data, body.version, who))


@router.patch("/{key}", response_model=PlaceOut)
def patch(
    request: Request,
    key: str,
    changes: PlacePatch,
    response: Response,
    who: Principal = requires(EDITOR),
    if_match: PatchHeaders = None,
) -> dict:
    """Change only the fields given (a JSON merge patch); ``null`` clears an optional one."""
    with web_context(request).session() as session:
        current = place_dict(get_place(session, key))
        patched = apply_patch(PlaceIn, current, changes, if_match, f"place '{key}'")
        saved = _save(request, session, key, patched.data(), patched.version, who)
        return tagged(response, saved)


@router.delete("/{key}", status_code=204)
def delete(
    request: Request,
    key: str,
    who: Principal = requires(EDITOR),
    expected: DeleteVersion = None,
) -> Response:
    """Delete the place at the version you read: ``?version=N`` or ``If-Match: "N"``."""
    version = expected.required(f"place '{key}'")
    protected = web_context(request).gazetteer.by_id.keys()
    return deleted(
        request, lambda s: delete_place(s, key, who=who.name, version=version, protected=protected)
    )
