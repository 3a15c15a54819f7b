"""The gazetteer: places of both countries in four languages, found by any spelling.

It ships as a CSV inside the package (see docs/gazetteer.md for columns and sources) so that
importers resolve "Ворух", "Vorukh jamoat" and "Воруҳ" to one place with a region and
coordinates, and analyses can ask whether an activity happened in a border area.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources

from lowpolitics.framework.folding import fold

_KIND_RANK = {"country": 0, "region": 1, "district": 2, "city": 3, "town": 4, "enclave": 5}
_WORD = re.compile(r"\w+")

GAZETTEER_COLUMNS = (
    "id",
    "kind",
    "country",
    "iso_3166_2",
    "parent",
    "name_en",
    "name_ru",
    "name_ky",
    "name_tg",
    "variants",
    "lat",
    "lon",
    "border_area",
    "source_url",
    "name_check",
    "note",
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    id: str
    kind: str
    country: str
    region: str | None
    parent: str | None
    names: dict[str, str]
    variants: tuple[str, ...]
    lat: float | None
    lon: float | None
    border_area: bool
    source_url: str
    note: str = ""  # what tells two places of one name apart, renamings, the 2025 treaty
    unverified: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.names.get("en") or next(iter(self.names.values()))

    def label(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.name

    @property
    def all_names(self) -> tuple[str, ...]:
        return tuple(n for n in self.names.values() if n) + self.variants


class Gazetteer:
    """Lookup of places by any name variant, case- and diacritic-insensitive."""

    def __init__(self, places: list[Place]):
        self.places = places
        self.by_id = {p.id: p for p in places}
        self._by_key: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            for name in place.all_names:
                key = fold(name)
                if key and place not in self._by_key[key]:
                    self._by_key[key].append(place)
            if place.kind == "region" and place.region:
                self._by_key[fold(place.region)].append(place)

    @cached_property
    def _prefixes(self) -> list[tuple[str, int, str]]:
        """Every name, and every name from each of its later words on ("вилояти Боткон" is
        found by "Бот"), folded and sorted: a prefix search is a bisection, not a scan.
        Built on the first search, so that commands that never search do not pay for it."""
        prefixes: set[tuple[str, int, str]] = set()
        for index, place in enumerate(self.places):
            for name in place.all_names:
                for key in name_keys(name):
                    prefixes.add((key, index, name))
        return sorted(prefixes)

    def __len__(self) -> int:
        return len(self.places)

    def search(self, text: str, limit: int, country: str | None = None) -> list[tuple[Place, str]]:
        """Up to ``limit`` places with a name (or a later word of one) beginning with
        ``text`` in any language or spelling, each with the name that matched; broader kinds
        first. The work is bounded by the matches read, not by the size of the gazetteer,
        except that names of places outside ``country`` are read past."""
        key = fold(text)
        if not key or limit <= 0:
            return []
        wanted = country.upper() if country else None
        found: dict[int, str] = {}
        at = bisect_left(self._prefixes, (key,))
        while at < len(self._prefixes) and len(found) < limit:
            folded, index, name = self._prefixes[at]
            if not folded.startswith(key):
                break
            if index not in found and (wanted is None or self.places[index].country == wanted):
                found[index] = name
            at += 1
        ranked = sorted(found, key=lambda i: (_KIND_RANK.get(self.places[i].kind, 9), i))
        return [(self.places[i], found[i]) for i in ranked]

    def name_for(self, place: Place, lang: str = "en") -> str:
        """A name of ``place`` that the lookup resolves back to it — English if that is
        unambiguous, else the reader's language, the other languages, then the variants —
        so that a form given this name links the place meant (the city of Isfara, not the
        district of the same English name)."""
        order = [place.names.get(lang_) for lang_ in ("en", lang, "ru", "ky", "tg")]
        for name in [*order, *place.variants]:
            if name and self.best(self.lookup(name)) is place:
                return name
        return place.name

    def lookup(self, name: str, country: str | None = None) -> list[Place]:
        """All places called ``name`` (any language or spelling), optionally in ``country``."""
        found = self._by_key.get(fold(name), [])
        if country:
            found = [p for p in found if p.country == country.upper()]
        return list(found)

    def resolve(self, name: str, country: str | None = None) -> Place | None:
        """The one place called ``name``; ``None`` when unknown.

        When a name is shared (two villages called Dostuk), the one with the broader kind wins
        only if it is unique at that rank; otherwise the first entry of the smallest kind in
        file order — callers that care use :meth:`lookup` and the country or region.
        """
        return self.best(self.lookup(name, country))

    @staticmethod
    def best(candidates: list[Place]) -> Place | None:
        """Of places sharing a name, the broadest (a region before a town before a village)."""
        if not candidates:
            return None
        return sorted(candidates, key=lambda p: _KIND_RANK.get(p.kind, 9))[0]

    def region(self, text: str) -> Place | None:
        """A region by ISO 3166-2 code (``KG-B``) or by any of its names."""
        code = text.strip().upper()
        for place in self.places:
            if place.kind == "region" and place.region == code:
                return place
        # "Batken" names a town, a district and a region; for a region question, try the
        # forms a region is usually written in before giving up.
        for variant in (text, f"{text} region", f"{text} oblast", f"{text} province"):
            for place in self.lookup(variant):
                if place.kind == "region":
                    return place
        return None

    def regions(self, country: str | None = None) -> list[Place]:
        return [
            p
            for p in self.places
            if p.kind == "region" and (country is None or p.country == country.upper())
        ]


def name_keys(name: str) -> list[str]:
    """The folded keys a prefix search matches ``name`` by: the whole name and the name from
    each later word on, so that "вилояти Суғд" is found by "Сугд"."""
    words = _WORD.findall(name)
    keys = (fold(" ".join(words[start:])) for start in range(len(words)))
    return [key for key in keys if key]


def _parse(text: str) -> list[Place]:
    places = []
    for row in csv.DictReader(io.StringIO(text)):
        names = {
            lang: row[f"name_{lang}"].strip()
            for lang in ("en", "ru", "ky", "tg")
            if row.get(f"name_{lang}", "").strip()
        }
        variants = tuple(v.strip() for v in (row.get("variants") or "").split(";") if v.strip())
        places.append(
            Place(
                id=row["id"],
                kind=row["kind"],
                country=row["country"],
                region=(row.get("iso_3166_2") or "").strip() or None,
                parent=(row.get("parent") or "").strip() or None,
                names=names,
                variants=variants,
                lat=float(row["lat"]) if row.get("lat") else None,
                lon=float(row["lon"]) if row.get("lon") else None,
                border_area=(row.get("border_area") or "").strip().lower() == "yes",
                source_url=row.get("source_url") or "",
                note=(row.get("note") or "").strip(),
                unverified=tuple(
                    c.strip() for c in (row.get("name_check") or "").split(";") if c.strip()
                ),
            )
        )
    return places


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The bundled gazetteer (parsed once per process)."""
    text = (
        resources.files("lowpolitics.framework")
        .joinpath("data/gazetteer.csv")
        .read_text(encoding="utf-8")
    )
    return Gazetteer(_parse(text))
