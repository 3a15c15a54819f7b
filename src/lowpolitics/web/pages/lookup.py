"""Suggestions for the forms' searchable fields: countries, regions, places and actors.

The activity and context forms keep plain text boxes (what they accept is unchanged, and a
new actor is still written in by hand); a small script (``static/combobox.js``) asks these
endpoints as the user types and offers what they answer. Each answer is bounded by a limit:
places come from the gazetteer's sorted prefix index (any name, any language or script),
actors from one SQL query with LIMIT, countries and regions from the short ISO lists.

Every item carries the ``value`` the form expects — an ISO code, a place name the gazetteer
resolves back to that place, ``Name [CC]`` for an actor — and a ``label`` to show. The JSON
is inserted with the DOM's text APIs, never as HTML.
"""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from fastapi import APIRouter, Request
from sqlalchemy import or_, select

from lowpolitics.framework.folding import fold
from lowpolitics.framework.gazetteer import name_keys
from lowpolitics.framework.i18n import translator
from lowpolitics.store.models import Actor
from lowpolitics.web.auth import VIEWER, Principal, requires
from lowpolitics.web.context import LookupOptions, web_context
from lowpolitics.web.i18n import request_language
from lowpolitics.web.pages.places import kind_names

router = APIRouter(include_in_schema=False)
PAIR = ("KG", "TJ", "UZ")  # listed first: the countries the registry is about


def _limit(request: Request, limit: int | None) -> int:
    options: LookupOptions = web_context(request).lookup
    return max(1, min(limit or options.limit, options.max_limit))


def _item(value: str, label: str, **extra: str | None) -> dict[str, str | None]:
    return {"value": value, "label": label, **extra}


@lru_cache(maxsize=8)
def _countries(lang: str) -> tuple[tuple[str, str, str], ...]:
    """(code, name in ``lang``, folded names) of every ISO 3166-1 country, the pair first."""
    names = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True
    ).gettext
    rows = []
    for country in pycountry.countries:
        shown = names(country.name)
        keys = " ".join(fold(n) for n in {country.name, shown, getattr(country, "common_name", "")})
        rows.append((country.alpha_2, shown, keys))
    return tuple(sorted(rows, key=lambda r: (r[0] not in PAIR, r[1])))


@router.get("/lookup/countries")
def countries(
    request: Request, q: str = "", limit: int | None = None, who: Principal = requires(VIEWER)
) -> dict:
    """Countries whose ISO code or a name (English or the reader's) begins a word with
    ``q`` — 249 rows, read until ``limit`` are found."""
    wanted, key = _limit(request, limit), fold(q)
    code = q.strip().upper()
    found = []
    for alpha_2, shown, keys in _countries(request_language(request)):
        if (
            not q.strip()
            or alpha_2.startswith(code)
            or any(k.startswith(key) for k in keys.split())
        ):
            found.append(_item(alpha_2, f"{alpha_2} — {shown}"))
            if len(found) >= wanted:
                break
    return {"items": found}


@router.get("/lookup/regions")
def regions(
    request: Request,
    q: str = "",
    country: str = "",
    limit: int | None = None,
    who: Principal = requires(VIEWER),
) -> dict:
    """ISO 3166-2 regions of ``country`` (all the gazetteer's when none is chosen) whose code
    or a name in any language begins with ``q``; a country the gazetteer does not cover is
    answered from the ISO list."""
    ctx, lang = web_context(request), request_language(request)
    wanted, key, code = _limit(request, limit), fold(q), q.strip().upper()
    country = country.strip().upper()
    found = []
    known = ctx.gazetteer.regions(country or None)
    if known:
        for place in known:
            names = [k for n in place.all_names for k in name_keys(n)]
            if (
                not key
                or (place.region or "").startswith(code)
                or any(n.startswith(key) for n in names)
            ):
                found.append(_item(place.region or "", f"{place.label(lang)} ({place.region})"))
    elif len(country) == 2:
        names = gettext.translation(
            "iso3166-2", pycountry.LOCALES_DIR, languages=[lang], fallback=True
        ).gettext
        for sub in sorted(pycountry.subdivisions.get(country_code=country) or [], key=str):
            if not key or sub.code.startswith(code) or fold(names(sub.name)).startswith(key):
                found.append(_item(sub.code, f"{names(sub.name)} ({sub.code})"))
    return {"items": found[:wanted]}


@router.get("/lookup/places")
def places(
    request: Request,
    q: str = "",
    country: str = "",
    limit: int | None = None,
    who: Principal = requires(VIEWER),
) -> dict:
    """Gazetteer places with a name beginning ``q`` in any language or script ("Исфа" finds
    Isfara). The value is a name the registry's importer resolves to that very place."""
    ctx, lang = web_context(request), request_language(request)
    kinds = kind_names(lang)
    found = []
    for place, matched in ctx.gazetteer.search(q, _limit(request, limit), country or None):
        shown = place.label(lang)
        region = ctx.regions.get(place.region or "")
        parent = ctx.gazetteer.by_id.get(place.parent or "")
        # the district tells apart two villages of one name in one region
        within = [parent.label(lang)] if parent and parent.kind == "district" else []
        within += [region.label(lang)] if region else []
        where = ", ".join([*within, place.country])
        label = f"{shown} — {kinds.get(place.kind, place.kind)}, {where}"
        if matched != shown and fold(matched) != fold(shown):
            label += f" · {matched}"
        found.append(
            _item(ctx.gazetteer.name_for(place, lang), label, id=place.id, region=place.region)
        )
    return {"items": found}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@router.get("/lookup/actors")
def actors(
    request: Request, q: str = "", limit: int | None = None, who: Principal = requires(VIEWER)
) -> dict:
    """Recorded actors whose name contains ``q``, as ``Name [CC]`` — one query with LIMIT.
    SQLite folds the case of ASCII letters only, so the text is also tried as typed, in lower
    case and capitalised (Cyrillic names are written capitalised)."""
    text = q.strip()
    if not text:
        return {"items": []}
    forms = {text, text.lower(), text.upper(), text[:1].upper() + text[1:].lower()}
    query = (
        select(Actor.name, Actor.country_code)
        .where(or_(*(Actor.name.ilike(_like(f), escape="\\") for f in sorted(forms))))
        .order_by(Actor.name, Actor.country_code)
        .limit(_limit(request, limit))
    )
    with web_context(request).session() as session:
        rows = session.execute(query).all()
    _ = translator(request_language(request))
    return {
        "items": [_item(f"{name} [{cc}]", f"{name} [{cc}]") for name, cc in rows],
        "note": _("Not listed? Type the new actor as Name [CC]; it is added when saved."),
    }
