"""Places of the ``places`` table: reading them with their use, and editing one at a time.

The table is seeded from the gazetteer (``store.reference``); editors may correct a place,
add their own, and delete a place of their own that nothing refers to. Every change is checked
cell by cell (every bad field reported at once, as an import does), names the version it was
based on, and leaves an audit entry with the values before and after.

A place that activities or context events point at cannot be deleted: the refusal says how
many records use it. Nor can a place of the shipped gazetteer — importers link place names to
those ids, so deleting one would make the next import that names it fail, and
``lowpolitics init`` would bring it back anyway; edit it instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import CellError, ConflictError, InputError, NotFoundError
from lowpolitics.ingest.checks import is_country, is_subdivision
from lowpolitics.store.audit import record_change
from lowpolitics.store.editing import as_cells, check_version
from lowpolitics.store.models import Activity, ContextEvent, Place
from lowpolitics.store.reference import INTERNATIONAL, ensure_country, ensure_region

PLACE_COLUMNS = (
    "id",
    "kind",
    "country",
    "region",
    "name_en",
    "name_ru",
    "name_ky",
    "name_tg",
    "lat",
    "lon",
    "border_area",
)
# The kinds the shipped gazetteer uses, broadest first.
PLACE_KINDS = (
    "country",
    "region",
    "district",
    "city",
    "town",
    "village",
    "enclave",
    "crossing",
    "landmark",
)
NAME_LANGUAGES = ("en", "ru", "ky", "tg")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
_TRUE = {"1", "true", "yes", "y", "on", "да"}
_FALSE = {"", "0", "false", "no", "n", "off", "нет"}


@dataclass(frozen=True)
class PlaceUse:
    """How many records point at a place."""

    activities: int = 0
    context_events: int = 0

    @property
    def total(self) -> int:
        return self.activities + self.context_events


def place_dict(place: Place) -> dict:
    """A place in the columns of PLACE_COLUMNS with JSON types (API, audit trail)."""
    return {
        "id": place.id,
        "kind": place.kind,
        "country": place.country_code,
        "region": place.region_code,
        "name_en": place.name_en,
        "name_ru": place.name_ru,
        "name_ky": place.name_ky,
        "name_tg": place.name_tg,
        "lat": place.lat,
        "lon": place.lon,
        "border_area": bool(place.border_area),
    }


def place_label(place: Place, lang: str = "en") -> str:
    """The name in ``lang`` where the place has one, else the English name."""
    return getattr(place, f"name_{lang}", None) or place.name_en


def place_names(place: Place) -> tuple[str, ...]:
    return tuple(n for n in (place.name_en, place.name_ru, place.name_ky, place.name_tg) if n)


def place_use(session: Session, ids: Collection[str] | None = None) -> dict[str, PlaceUse]:
    """Place id → how many activities and context events are at it (only places in use);
    with ``ids``, for those places alone (a page of a list counts its own rows only)."""
    counts = []
    for model in (Activity, ContextEvent):
        query = select(model.place_id, func.count()).where(model.place_id.is_not(None))
        if ids is not None:
            query = query.where(model.place_id.in_(list(ids)))
        counts.append(dict(session.execute(query.group_by(model.place_id)).all()))
    activities, events = counts
    return {
        key: PlaceUse(activities.get(key, 0), events.get(key, 0))
        for key in set(activities) | set(events)
    }


def use_of(session: Session, key: str) -> PlaceUse:
    activities = session.scalar(
        select(func.count()).select_from(Activity).where(Activity.place_id == key)
    )
    events = session.scalar(
        select(func.count()).select_from(ContextEvent).where(ContextEvent.place_id == key)
    )
    return PlaceUse(activities or 0, events or 0)


def list_places(session: Session) -> list[Place]:
    return list(session.scalars(select(Place).order_by(Place.country_code, Place.id)))


def get_place(session: Session, key: str, *, lock: bool = False) -> Place:
    query = select(Place).where(Place.id == key)
    if lock:
        query = query.with_for_update()
    found = session.scalars(query).first()
    if found is None:
        raise NotFoundError(f"no place with id '{key}'")
    return found


def _number(
    cells: dict[str, str], column: str, low: float, high: float, errors: list[CellError], source
) -> float | None:
    raw = cells.get(column, "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or value != value or not low <= value <= high:
        errors.append(
            CellError(source, None, column, cells.get(column), f"a number from {low} to {high}")
        )
        return None
    return value


def check_place(
    data: Mapping[str, object],
    *,
    key: str | None = None,
    kinds: Collection[str] = PLACE_KINDS,
    source: str = "form",
) -> dict:
    """Form or JSON values → clean place values, or :class:`InputError` with every bad field."""
    cells = as_cells(data, PLACE_COLUMNS)
    border = data.get("border_area")
    if isinstance(border, bool):
        cells["border_area"] = "yes" if border else "no"
    errors: list[CellError] = []

    def fail(column: str, expected: str) -> None:
        errors.append(CellError(source, None, column, cells.get(column, "").strip(), expected))

    place_id = key if key is not None else cells["id"].strip()
    if key is None and not _ID.match(place_id):
        fail(
            "id",
            "an id of lower-case letters, digits, '_', '.' or '-' (at most 80), "
            "such as kg_kok_tash_village",
        )
    kind = cells["kind"].strip().lower()
    if kind not in kinds:
        fail("kind", f"a kind of place: one of {', '.join(kinds)}")
    country = cells["country"].strip().upper()
    country_ok = bool(country) and (country == INTERNATIONAL or is_country(country))
    if not country:
        fail("country", "an ISO 3166-1 alpha-2 country code such as KG or TJ (required)")
    elif not country_ok:
        fail("country", "an ISO 3166-1 alpha-2 country code such as KG or TJ")
    region = cells["region"].strip().upper() or None
    if region is not None:
        if not is_subdivision(region):
            fail("region", "an ISO 3166-2 region code such as KG-B or TJ-SU")
        elif country_ok and region.split("-")[0] != country:
            fail("region", f"a region of the place's country {country} (code {country}-…)")
    names = {}
    for lang in NAME_LANGUAGES:
        column = f"name_{lang}"
        value = cells[column].strip()
        if len(value) > 200:
            fail(column, f"at most 200 characters (found {len(value)})")
        names[column] = value or None
    if not names["name_en"]:
        fail("name_en", "the English (or Latin-script) name (required)")
    lat = _number(cells, "lat", -90.0, 90.0, errors, source)
    lon = _number(cells, "lon", -180.0, 180.0, errors, source)
    if (lat is None) != (lon is None) and not any(e.column in ("lat", "lon") for e in errors):
        missing = "lon" if lon is None else "lat"
        fail(missing, "both latitude and longitude, or neither")
    raw_border = cells["border_area"].strip().lower()
    if raw_border not in _TRUE | _FALSE:
        fail("border_area", "yes or no")
    if errors:
        raise InputError(errors, f"{len(errors)} field(s) need correcting")
    return {
        "id": place_id,
        "kind": kind,
        "country": country,
        "region": region,
        **names,
        "lat": lat,
        "lon": lon,
        "border_area": raw_border in _TRUE,
    }


def _fill(session: Session, place: Place, values: dict) -> None:
    ensure_country(session, values["country"])
    if values["region"]:
        ensure_region(session, values["region"])
    place.kind = values["kind"]
    place.country_code = values["country"]
    place.region_code = values["region"]
    place.name_en = values["name_en"]
    place.name_ru = values["name_ru"]
    place.name_ky = values["name_ky"]
    place.name_tg = values["name_tg"]
    place.lat = values["lat"]
    place.lon = values["lon"]
    place.border_area = values["border_area"]


def save_place(
    session: Session,
    data: Mapping[str, object],
    *,
    who: str,
    key: str | None = None,
    version: int | None = None,
    kinds: Collection[str] = PLACE_KINDS,
    source: str = "form",
) -> Place:
    """Create (``key`` None) or update the place ``key``; an update names its version."""
    existing = None
    if key is not None:
        existing = get_place(session, key, lock=True)
        check_version(existing.version, version, f"place '{key}'")
    values = check_place(data, key=key, kinds=kinds, source=source)
    if existing is None:
        if session.get(Place, values["id"]) is not None:
            raise ConflictError(f"a place with id '{values['id']}' already exists")
        place = Place(id=values["id"], version=1)
        _fill(session, place, values)
        session.add(place)
        record_change(session, who, "create", "place", place.id, None, place_dict(place))
    else:
        place = existing
        before = place_dict(place)
        _fill(session, place, values)
        after = place_dict(place)
        if after != before:
            place.version += 1
            record_change(session, who, "update", "place", place.id, before, after)
    session.flush()
    return place


def delete_place(
    session: Session,
    key: str,
    *,
    who: str,
    version: int | None = None,
    protected: Collection[str] = (),
) -> None:
    """Delete a place nothing refers to; ``protected`` are the shipped gazetteer's ids."""
    place = get_place(session, key, lock=True)
    if version is not None:
        check_version(place.version, version, f"place '{key}'")
    use = use_of(session, key)
    if use.total:
        parts = []
        if use.activities:
            parts.append(f"{use.activities} activit{'y' if use.activities == 1 else 'ies'}")
        if use.context_events:
            parts.append(
                f"{use.context_events} context event{'' if use.context_events == 1 else 's'}"
            )
        raise ConflictError(
            f"place '{key}' is used by {' and '.join(parts)}; "
            "move those records to another place first, then delete it"
        )
    if key in protected:
        raise ConflictError(
            f"place '{key}' belongs to the shipped gazetteer: imports link place names to it "
            "and 'lowpolitics init' restores it; correct it with an edit instead"
        )
    record_change(session, who, "delete", "place", key, place_dict(place), None)
    session.delete(place)
    session.flush()
