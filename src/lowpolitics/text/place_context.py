"""Reading a found place in its words: which of the places a name can mean the sentence means.

:func:`~lowpolitics.text.places.extract_places` finds names; a name alone does not say whether
"Баткен" is the town or the region, "Гулистон" the town or its checkpoint, "Бишкек" the city or
the government that sits there. Six general rules, in the four languages:

1. **An administrative noun makes a town its region or district.** «вилояти Боткен»,
   «вилоятҳои Суғд ва Боткен», «ноҳияи Лайлак»; «в Лейлекском и Баткенском районах», «по Ошской и
   Баткенской областям»; «Лейлек жана Баткен райондорунда», «Баткен жана Согди облустарында»;
   "Batken and Leilek districts". The noun may follow a list of names joined by commas and
   "and". The town becomes the region or district of the same name when the gazetteer has one.
2. **A checkpoint word makes a shared name the checkpoint; without one it is the settlement.**
   "Guliston" is both a town and a crossing: near «КПП», "checkpoint", "crossing", «бекет»,
   «өткөрмө», «гузаргоҳ» (within the clause) it is the crossing — the one named after that
   settlement when there is one ("Карамык бекети" is the Kyrgyz Karamyk checkpoint, not the
   Tajik one across) — and elsewhere the settlement.
3. **Kyrgyz «Борбордук» before another word is the adjective "central"** («Борбордук Азия»,
   «Борбордук стадион»), not the village.
4. **A capital standing for its government is no place**: "Bishkek's claim", "Dushanbe says",
   «Бишкек считает», «Душанбе утверждает», and the reporter's "reported from Bishkek".
5. **A surname after a given name is a person**, though towns bear it: «Жениш Раззаков», «Мирзо
   Турсунзаде» (a name ending -ов, -ев, -зода, -заде after a capitalised word inside a
   sentence).
6. **A quoted name given to a thing is no place**: «Достук» деп аталган гезит, газета под
   названием «Дружба», рӯзномаи бо номи «Дӯстӣ», "a festival called 'Dostuk'".
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import regex

from lowpolitics.framework.gazetteer import Gazetteer, Place
from lowpolitics.text.places import PlaceMention

__all__ = ["read_places"]

_F = regex.IGNORECASE | regex.VERSION1
_NAME = r"[\p{L}\-ʼ’']+"
# 1. administrative nouns: (kind, pattern before the name, pattern after it)
_TG_BEFORE = regex.compile(
    rf"(?<![\p{{L}}])(?P<noun>вилоят|ноҳия)(?:и|ҳои)\s+(?:{_NAME}(?:\s+ва\s+|\s*,\s*))*$", _F
)
_AFTER = regex.compile(
    rf"^\p{{L}}*(?:\s*(?:,|и|жана|менен|and|ва)\s*{_NAME}(?:\s+{_NAME})?)*\s+"
    r"(?P<noun>област|облус|region|province|oblast|район|district|вилоят|ноҳия)",
    _F,
)
_REGION_NOUNS = ("област", "облус", "region", "province", "oblast", "вилоят")
# 2. checkpoint words
_CHECKPOINT = regex.compile(
    r"(?<![\p{L}])(?:КПП|МГС|checkpoints?|crossing|пункт\p{L}*\s+пропуска|погранперех\p{L}*"
    r"|бекет\p{L}*|өткөрмө|өткөрүү|гузаргоҳ\p{L}*|нуқтаи\s+гузар\p{L}*)(?![\p{L}])",
    _F,
)
_CLAUSE_BREAK = regex.compile(r"[.;:!?\n]|,\s")
_WINDOW = 40
# 3. a Kyrgyz adjective that is also a village
_ADJECTIVE_NAMES = regex.compile(r"^борбордук$", _F)
_NEXT_WORD = regex.compile(r"\s+\p{L}")
_VILLAGE_WORD = regex.compile(r"\s+(?:айыл|кыштак|village|село|деҳа)", _F)
# 4. a capital as its government
_METONYM_AFTER = regex.compile(
    r"^(?:['’]s\b|\s+(?:says|said|claims|claimed|insists|insisted|accuses|accused|believes"
    r"|wants|had|has|считает|утверждает|заявляет|заявил|настаивает|обвиняет|ожидает"
    r"|отвергает|полагает)(?![\p{L}]))",
    _F,
)
_REPORTED_FROM = regex.compile(r"(?<![\p{L}])reported\s+from\s+$", _F)
# 5. a surname after a given name: «Жениш Раззаков», «Мирзо Турсунзаде», "Mirzo Tursunzoda"
_SURNAME = regex.compile(r"(?:ов|ев|ова|ева|зода|заде|ov|ev|ova|eva|zoda|zade)$", _F)
_GIVEN_NAME = regex.compile(r"(?<=[\p{L},]\s)\p{Lu}\p{Ll}+\s+$", regex.VERSION1)
# 6. a quoted name of a newspaper, festival or club: «Достук» деп аталган, под названием «…»
_CALLED_AFTER = regex.compile(
    r"^[»\"”]?(?:\s*[–—-]\s*«[^»\n]{1,30}»)*\s+(?:деп\s+аталган|номли|номи)", _F
)
_CALLED_BEFORE = regex.compile(r"(?:под\s+названием|бо\s+номи|named|called)\s+[«\"“]?$", _F)


@lru_cache(maxsize=8)
def _names_index(
    gazetteer: Gazetteer,
) -> tuple[dict[tuple[str, str], Place], dict[str, Place]]:
    """Places by (English name, country), and districts by each of their variants — the first
    in gazetteer order, as a scan of the gazetteer would find them."""
    by_name: dict[tuple[str, str], Place] = {}
    districts: dict[str, Place] = {}
    for other in gazetteer.places:
        by_name.setdefault((other.name, other.country), other)
        if other.kind == "district":
            for variant in other.variants:
                districts.setdefault(variant, other)
    return by_name, districts


def _named_after(gazetteer: Gazetteer, place: Place, kind_names: tuple[str, ...]) -> Place | None:
    """The region, district or checkpoint named after ``place`` ("Batken" → "Batken Region"),
    else for a district one that lists the place's name among its variants (the old name
    "Jirgatol" of Lakhsh District)."""
    by_name, districts = _names_index(gazetteer)
    for suffix in kind_names:
        other = by_name.get((f"{place.name} {suffix}", place.country))
        if other is not None:
            return other
    if kind_names == ("District",):
        return districts.get(place.name)
    return None


def _clause_window(text: str, start: int, end: int) -> str:
    left = text[max(0, start - _WINDOW) : start]
    right = text[end : end + _WINDOW]
    cut = list(_CLAUSE_BREAK.finditer(left))
    if cut:
        left = left[cut[-1].end() :]
    stop = _CLAUSE_BREAK.search(right)
    if stop:
        right = right[: stop.start()]
    return left + " " + right


def _is_capital(gazetteer: Gazetteer, place: Place) -> bool:
    parent = gazetteer.by_id.get(place.parent or "")
    return place.kind == "city" and parent is not None and parent.name == place.name


def read_places(
    text: str, mentions: list[PlaceMention], gazetteer: Gazetteer
) -> list[PlaceMention]:
    """``mentions`` (as :func:`extract_places` gives them, one per candidate of a span) with each
    span read in its words (see the module docstring): a span keeps the candidates its words
    point to, becomes the region, district or checkpoint they name, or is dropped."""
    spans: dict[tuple[int, int], list[PlaceMention]] = {}
    for m in mentions:
        spans.setdefault((m.start, m.end), []).append(m)
    out: list[PlaceMention] = []
    for (start, end), found in spans.items():
        places = [gazetteer.by_id[m.place_id] for m in found]
        word = text[start:end]
        after, before = text[end : end + 120], text[max(0, start - 120) : start]
        # 3. «Борбордук Азия»
        if (
            _ADJECTIVE_NAMES.match(word)
            and _NEXT_WORD.match(after)
            and not _VILLAGE_WORD.match(after)
        ):
            continue
        # 4. a capital standing for its government, or the reporter's seat
        if any(_is_capital(gazetteer, p) for p in places) and (
            _METONYM_AFTER.match(after) or _REPORTED_FROM.search(before)
        ):
            continue
        # 5. a person's surname; 6. a name given to a thing
        if (_SURNAME.search(word) and _GIVEN_NAME.search(before)) or (
            _CALLED_AFTER.match(after) or _CALLED_BEFORE.search(before)
        ):
            continue
        chosen = places
        # 1. an administrative noun
        tg = _TG_BEFORE.search(before)
        noun = tg["noun"] if tg else None
        if noun is None:
            m = _AFTER.match(after)
            noun = m["noun"] if m else None
        if noun is not None:
            is_region = noun.casefold().startswith(_REGION_NOUNS)
            kind = ("Region",) if is_region else ("District",)
            target = next((t for p in places if (t := _named_after(gazetteer, p, kind))), None)
            wanted = [p for p in places if p.kind == ("region" if is_region else "district")]
            chosen = [target] if target is not None else wanted or places
        # 2. a checkpoint word, or none
        crossings = [p for p in chosen if p.kind == "crossing"]
        others = [p for p in chosen if p.kind != "crossing"]
        if _CHECKPOINT.search(_clause_window(text, start, end)):
            own = next(
                (t for p in others if (t := _named_after(gazetteer, p, ("checkpoint",)))), None
            )
            if own is not None:
                chosen = [own]
            elif crossings:
                chosen = crossings
        elif crossings and others:
            chosen = others
        if chosen == places:
            out.extend(found)
            continue
        template = found[0]
        out.extend(
            replace(
                template,
                place_id=p.id,
                name_en=p.name,
                ambiguous=len(chosen) > 1,
            )
            for p in chosen
        )
    return out
