"""The registry row check, fast for the rows that pass it.

:func:`lowpolitics.ingest.registry.check_registry_row` checks ~20 cells a row, each through a
:class:`RowChecker` method that builds its answer afresh — the same date, mechanism, country,
place and actors parsed again on every row that names them. Most columns of a registry take
few distinct values, so here each column's answer is computed once per distinct cell (by the
very same checker method, so it cannot disagree) and looked up after that; the cells that
differ on every row (id, title, addresses) get the same test inline.

This path only ever says yes. A row that fails any check — or would give a warning, or needs
a rule across cells (an end before the start, more women than participants, a repeated id) —
is answered ``SLOW``, and the caller puts it through ``check_registry_row`` itself, which
builds the exact messages (file, line, column, value, what was expected). So a clean row is
accepted with the same record, and a bad one refused with the same errors, either way.

The caches are emptied when one grows past ``_CACHE_MAX`` values: memory follows the number
of distinct values kept, not the file.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import operator
import re

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.ingest.checks import _IDENTIFIER, RowChecker

SLOW = object()  # the row needs the full check (it is bad, warns, or is a rare case)
_BAD = object()  # a cached cell that fails its check
_CACHE_MAX = 50_000
# content_hash's json.dumps, its encoder made once; the content is built afresh for each
# row from plain values, so it cannot hold a cycle and the encoder need not track every
# list and dict it enters to find one (the text is the same either way)
_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str, check_circular=False)
# an address that urlparse certainly reads as http(s) with a host; anything else is asked
_PLAIN_URL = re.compile(r"(?i:https?)://[A-Za-z0-9._~-]+(?::[0-9]*)?(?:[/?#][!-~]*)?")
_TITLES = (("title_ru", "ru"), ("title_ky", "ky"), ("title_tg", "tg"))


def _sorted_plain(values: list) -> list:
    """As :func:`lowpolitics.ingest.checks._canonical` orders a list of plain values."""
    return sorted(values, key=lambda v: (v is None, str(v)))


class FastRegistryCheck:
    """``record(line, cells, seen_keys)``: the row's :class:`ActivityRecord`, or ``SLOW`` for
    :func:`check_registry_row` to answer — every bad row, every row that warns (a repeat of
    an earlier row's content among them), every row a rule across cells concerns."""

    def __init__(
        self,
        file: str,
        codebook: Codebook,
        gazetteer: Gazetteer,
        as_of: datetime.date | None = None,
    ):
        from lowpolitics.ingest.registry import (
            BOUND_COLUMNS,
            REGISTRY_COLUMNS,
            ActivityRecord,
            bound_problems,
            parse_status_history,
            resolve_place,
            resolve_region,
        )

        self.file = file
        self.columns = REGISTRY_COLUMNS  # the contract's columns, as the full check reads them
        self._getter = operator.itemgetter(*REGISTRY_COLUMNS)
        self.record_class = ActivityRecord
        self.fields = tuple(f.name for f in dataclasses.fields(ActivityRecord))
        self.codebook = codebook
        self.gazetteer = gazetteer
        self.today = as_of or datetime.date.today()
        self.happened = codebook.happened_statuses
        self.cooperative = codebook.cooperative_kinds or frozenset({"activity"})
        families = codebook.mechanism_codes
        statuses = codebook.status_codes
        roles = codebook.actor_role_codes

        def cell(method: str, *args, **kwargs):
            def check(column: str, value: str):
                checker = RowChecker(file, 0, {column: value})
                answer = getattr(checker, method)(column, *args, **kwargs)
                return _BAD if checker.errors else answer

            return check

        def region(column: str, value: str):
            checker = RowChecker(file, 0, {column: value})
            answer = resolve_region(checker, column, gazetteer)
            return _BAD if checker.errors else answer

        def history(column: str, value: str):
            checker = RowChecker(file, 0, {column: value})
            answer = parse_status_history(checker, column, statuses)
            return _BAD if checker.errors else answer

        self._resolve_place = resolve_place
        self._bound_columns = BOUND_COLUMNS
        self._bound_problems = bound_problems
        self._checks = {
            "date": cell("date"),
            "end_date": cell("date"),
            "mechanism": cell("code", families, what="mechanism"),
            "mechanisms_secondary": cell("codes", families, what="mechanism"),
            "activity_type": cell("code", codebook.activity_type_codes, what="activity type"),
            "status": cell("code", statuses, what="status"),
            "host_country": cell("country"),
            "partner_country": cell("country"),
            "region": region,
            "actors": cell("actors_with_roles", roles),
            "participants_total": cell("integer"),
            "participants_women": cell("integer"),
            "participants_youth": cell("integer"),
            "record_kind": cell("code", codebook.record_kind_codes, what="record kind"),
            "frame": cell("code", codebook.frame_codes, what="frame"),
            "contact": cell("code", codebook.contact_codes, what="contact"),
            "status_history": history,
            "not_before": cell("date"),
            "not_after": cell("date"),
        }
        self._caches: dict[str, dict] = {column: {} for column in self._checks}
        self._places: dict = {}

    def _value(self, column: str, value: str):
        """The checked value of a non-empty cell, or ``_BAD``."""
        cache = self._caches[column]
        try:
            return cache[value]
        except KeyError:
            pass
        if len(cache) >= _CACHE_MAX:
            cache.clear()
        answer = cache[value] = self._checks[column](column, value)
        return answer

    def _place(self, text: str, host, region_code):
        key = (text, host, region_code)
        try:
            return self._places[key]
        except KeyError:
            pass
        if len(self._places) >= _CACHE_MAX:
            self._places.clear()
        checker = RowChecker(self.file, 0, {"place": text})
        warnings: list[str] = []
        answer = self._resolve_place(checker, self.gazetteer, host, region_code, warnings, "line")
        if checker.errors or warnings:
            answer = _BAD
        self._places[key] = answer
        return answer

    def _stripped(self, cells: dict) -> dict:
        """Every contract column's cell, trimmed ("" when absent), as the full check reads
        it. A row that names every column with text cells (a CSV row of the contract) is
        read in three C-level passes; any other goes cell by cell."""
        try:
            return dict(zip(self.columns, map(str.strip, self._getter(cells)), strict=True))
        except (KeyError, TypeError):  # a column the file lacks, or a cell that is not text
            get = cells.get
            return {column: (get(column) or "").strip() for column in self.columns}

    def record(self, line: int, cells: dict, seen_keys: dict[str, int]):  # noqa: C901, PLR0911, PLR0912, PLR0915
        value = self._value
        raw = self._stripped(cells).__getitem__

        text = raw("date")
        if not text or (date := value("date", text)) is _BAD:
            return SLOW
        text = raw("end_date")
        end_date = None
        if text:
            end_date = value("end_date", text)
            if end_date is _BAD or end_date.end < date.start:
                return SLOW
        title = raw("title")
        if not title or len(title) > 500:
            return SLOW
        text = raw("mechanism")
        if not text or (mechanism := value("mechanism", text)) is _BAD:
            return SLOW
        text = raw("mechanisms_secondary")
        secondary: tuple = ()
        if text:
            found = value("mechanisms_secondary", text)
            if found is _BAD:
                return SLOW
            secondary = tuple(m for m in found if m != mechanism)
        text = raw("activity_type")
        activity_type = None
        if text and (activity_type := value("activity_type", text)) is _BAD:
            return SLOW
        text = raw("status")
        if not text or (status := value("status", text)) is _BAD:
            return SLOW
        if status in self.happened and date.start > self.today:
            return SLOW
        text = raw("host_country")
        host = None
        if text and (host := value("host_country", text)) is _BAD:
            return SLOW
        text = raw("partner_country")
        partner = None
        if text and (partner := value("partner_country", text)) is _BAD:
            return SLOW
        text = raw("region")
        region_code = None
        if text and (region_code := value("region", text)) is _BAD:
            return SLOW
        text = raw("place")
        place_id = place_text = None
        if text:
            if len(text) > 300:
                return SLOW
            found = self._place(text, host, region_code)
            if found is _BAD:
                return SLOW
            place_id, place_text, region_code = found
        text = raw("actors")
        actors: tuple = ()
        roles: tuple = ()
        canonical_actors: list = []
        if text:
            # each ';'-separated actor on its own: pairs of actors rarely repeat, actors do
            found_actors: list = []
            found_roles: list = []
            for part in text.split(";"):
                part = part.strip()
                if not part:
                    continue
                one = value("actors", part)
                if one is _BAD:
                    return SLOW
                actor, role = one[0]
                if actor not in found_actors:
                    found_actors.append(actor)
                    found_roles.append(role)
            actors, roles = tuple(found_actors), tuple(found_roles)
            canonical_actors = [sorted(a) for a in actors]
        numbers = []
        for column in ("participants_total", "participants_women", "participants_youth"):
            text = raw(column)
            number = None
            if text and (number := value(column, text)) is _BAD:
                return SLOW
            numbers.append(number)
        total, women, youth = numbers
        if total is not None and (
            (women is not None and women > total) or (youth is not None and youth > total)
        ):
            return SLOW
        text = raw("source_url")
        if not text:
            return SLOW  # warned: no source
        urls = tuple(p for p in (p.strip() for p in text.split(";")) if p)
        for url in urls:
            if not _PLAIN_URL.fullmatch(url):
                return SLOW  # urlparse decides, in the full check
        key = raw("id") or None
        if key is not None and (
            len(key) > 120 or key in seen_keys or not _IDENTIFIER.fullmatch(key)
        ):
            return SLOW
        initiative = raw("initiative") or None
        status_reason = raw("status_reason") or None
        notes = raw("notes") or None
        same_as = raw("same_as") or None
        if (
            (initiative is not None and len(initiative) > 300)
            or (status_reason is not None and len(status_reason) > 2000)
            or (notes is not None and len(notes) > 5000)
            or (same_as is not None and (len(same_as) > 120 or same_as == key))
        ):
            return SLOW
        text = raw("record_kind")
        record_kind = "activity"
        if text:
            record_kind = value("record_kind", text)
            if record_kind is _BAD:
                return SLOW
        text = raw("frame")
        frame = None
        if text:
            frame = value("frame", text)
            if frame is _BAD or record_kind != "statement":
                return SLOW
        text = raw("contact")
        contact = None
        if text:
            contact = value("contact", text)
            if contact is _BAD or record_kind not in self.cooperative:
                return SLOW
        titles = []
        for column, language in _TITLES:
            text = raw(column)
            if text:
                if len(text) > 500:
                    return SLOW
                titles.append((language, text))
        text = raw("status_history")
        history: tuple = ()
        if text and (history := value("status_history", text)) is _BAD:
            return SLOW
        bounds: dict = {}
        for column in self._bound_columns:
            text = raw(column)
            if text:
                if (day := value(column, text)) is _BAD:
                    return SLOW
                bounds[column] = day
        if bounds and self._bound_problems(date, bounds):
            return SLOW
        not_before = bounds["not_before"].start if "not_before" in bounds else None
        not_after = bounds["not_after"].start if "not_after" in bounds else None
        content = {
            "date": str(date),
            "end_date": str(end_date) if end_date else None,
            "title": title,
            "initiative": initiative,
            "mechanism": mechanism,
            "mechanisms_secondary": sorted(secondary),
            "activity_type": activity_type,
            "status": status,
            "status_reason": status_reason,
            "host_country": host,
            "partner_country": partner,
            "region_code": region_code,
            "place_id": place_id,
            "place_text": place_text,
            "actors": canonical_actors,
            "participants_total": total,
            "participants_women": women,
            "participants_youth": youth,
            "source_urls": sorted(urls),
            "notes": notes,
        }
        # as check_registry_row: the second-edition fields only when set
        if record_kind != "activity":
            content["record_kind"] = record_kind
        if same_as is not None:
            content["same_as"] = same_as
        if frame is not None:
            content["frame"] = frame
        if contact is not None:
            content["contact"] = contact
        if not_before is not None:
            content["not_before"] = str(not_before)
        if not_after is not None:
            content["not_after"] = str(not_after)
        if any(roles):
            content["actor_roles"] = _sorted_plain(list(roles))
        if titles:
            content["titles"] = [sorted(t) for t in titles]
        if history:
            content["status_history"] = [
                _sorted_plain([str(h.day), h.status, h.source_url]) for h in history
            ]
        canonical = _JSON.encode(content)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        if key is None:
            key = "row-" + digest[:16]
            if key in seen_keys:
                return SLOW  # warned: same content as an earlier row
        # the frozen dataclass's __init__ sets each of its 32 fields through
        # object.__setattr__; its attributes are set here at once (it has no __post_init__)
        record = object.__new__(self.record_class)
        record.__dict__.update(
            zip(
                self.fields,
                (
                    key,
                    date,
                    end_date,
                    title,
                    initiative,
                    mechanism,
                    secondary,
                    activity_type,
                    status,
                    status_reason,
                    host,
                    partner,
                    region_code,
                    place_id,
                    place_text,
                    actors,
                    total,
                    women,
                    youth,
                    urls,
                    notes,
                    line,
                    digest,
                    record_kind,
                    same_as,
                    frame,
                    roles,
                    tuple(titles),
                    history,
                    contact,
                    not_before,
                    not_after,
                ),
                strict=True,
            )
        )
        return record
