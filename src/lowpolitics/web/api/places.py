"""/api/v1/places — the places of the gazetteer table (and editors' own) over HTTP.

Each place comes with how many activities and context events are at it. Deleting a place
that records use is refused (409) with the counts; so is deleting a place of the shipped
gazetteer, which importers link names to. The filtering and JSON conversion here are shared
with the place pages (``web.pages.places``). The routes are the generic ones of
``web.api.resource_router``; the list finds its page itself (``find``) and deleting reads
the gazetteer (``delete_context``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
)
from lowpolitics.web.api.resource_router import SOURCE, resource_router
from lowpolitics.web.context import WebContext
from lowpolitics.web.merge_patch import patch_model
from lowpolitics.web.paging import paginate
from lowpolitics.web.resources import Filter, ResourceSpec

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


def _find(ctx: WebContext, session: Session, values: dict, sort: str, page: int, per_page: int):
    return paginate(find_places(session, **values, sort=sort)[0], page, per_page)


def _rows(ctx: WebContext, session: Session, places: Sequence[Place]) -> list[dict]:
    use, empty = place_use(session, [p.id for p in places]), PlaceUse()
    return [place_json(p, use.get(p.id, empty), ctx.gazetteer) for p in places]


def _save(ctx: WebContext, session: Session, data: dict, who: str, key, version) -> Place:
    kinds = place_kinds(ctx.gazetteer)
    return save_place(session, data, who=who, key=key, version=version, kinds=kinds, source=SOURCE)


def _delete(ctx: WebContext, session: Session, key: str, who: str, version: int) -> None:
    """The shipped gazetteer's places are kept: importers link names to them."""
    protected = ctx.gazetteer.by_id.keys()
    delete_place(session, key, who=who, version=version, protected=protected)


SPEC = ResourceSpec(
    name="places",
    noun="place",
    model=Place,
    key_column="id",
    key_param="key",
    key_type=str,
    schema_in=PlaceIn,
    schema_update=PlaceUpdate,
    schema_patch=PlacePatch,
    schema_out=PlaceOut,
    load=get_place,
    save=_save,
    delete=_delete,
    delete_context=True,
    rows=_rows,
    find=_find,  # names match in any spelling, order by use: not SQL
    filters={
        "country": Filter(description="ISO 3166-1 alpha-2, e.g. KG"),
        "region": Filter(description="ISO 3166-2 code, e.g. KG-B"),
        "kind": Filter(description="village, town, city, region …"),
        "border": Filter(description="yes: border areas only; no: the others"),
        "q": Filter(description="text in any of the names (any spelling)"),
    },
    sorts=SORTS,
    default_sort="country",
    sort_doc="country, name, region, kind, activities, events or id; prefix - to reverse",
)

router = resource_router(SPEC)
