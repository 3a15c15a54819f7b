"""Reference rows every database carries: countries, regions and places of the gazetteer.

Seeded at ``init`` (and again on upgrade, idempotently) so that activities can point at a
place and a region by key. Regions and countries outside the gazetteer are added from
pycountry the first time a record names them.
"""

from __future__ import annotations

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.store.models import Country, Place, Region

INTERNATIONAL = "INT"


def country_row(code: str) -> Country:
    """A new ``Country`` row for an ISO alpha-2 code (or ``INT``), named from pycountry."""
    code = code.upper()
    if code == INTERNATIONAL:
        return Country(code=code, name_en="International")
    country = pycountry.countries.get(alpha_2=code)
    return Country(code=code, name_en=country.name if country else code)


def region_row(code: str) -> Region:
    """A new ``Region`` row for an ISO 3166-2 code, named from pycountry."""
    code = code.upper()
    subdivision = pycountry.subdivisions.get(code=code)
    return Region(
        code=code,
        country_code=code.split("-")[0],
        name_en=subdivision.name if subdivision else code,
        border=False,
    )


def ensure_country(session: Session, code: str) -> None:
    if session.get(Country, code.upper()) is None:
        session.add(country_row(code))
        session.flush()


def ensure_region(session: Session, code: str) -> None:
    if session.get(Region, code.upper()) is None:
        ensure_country(session, code.split("-")[0])
        session.add(region_row(code))
        session.flush()


def seed_reference(session: Session, gazetteer: Gazetteer) -> int:
    """Insert or refresh the gazetteer's countries, regions and places. Returns places seeded."""
    for place in gazetteer.places:
        ensure_country(session, place.country)
    existing_regions = {r.code: r for r in session.scalars(select(Region))}
    for place in gazetteer.places:
        if place.kind != "region" or not place.region:
            continue
        region = existing_regions.get(place.region) or Region(code=place.region)
        region.country_code = place.country
        region.name_en = place.names.get("en", place.region)
        region.name_ru = place.names.get("ru")
        region.border = place.border_area
        session.add(region)
        existing_regions[place.region] = region
    session.flush()
    for place in gazetteer.places:
        if place.region and place.region not in existing_regions:
            ensure_region(session, place.region)
            existing_regions[place.region] = session.get(Region, place.region)
    existing_places = {p.id: p for p in session.scalars(select(Place))}
    for place in gazetteer.places:
        row = existing_places.get(place.id) or Place(id=place.id)
        row.kind = place.kind
        row.country_code = place.country
        row.region_code = place.region
        row.name_en = place.name
        row.name_ru = place.names.get("ru")
        row.name_ky = place.names.get("ky")
        row.name_tg = place.names.get("tg")
        row.lat = place.lat
        row.lon = place.lon
        row.border_area = place.border_area
        session.add(row)
    session.flush()
    return len(gazetteer.places)
