"""Cell-by-cell checks that collect every problem in a row instead of stopping at the first.

Each ``RowChecker`` method reads one column, returns the parsed value (or ``None``) and, when
the cell is bad, records a :class:`CellError` saying what was expected. Importers call them
for every column and look at ``checker.errors`` at the end.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from urllib.parse import urlparse

import pycountry

from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError
from lowpolitics.ingest.event_dates import read_with_format

_ACTOR = re.compile(r"^(?P<name>.+?)\s*\[(?P<cc>[A-Za-z]{2,3})\]$")
_RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$")
# The largest whole number a count may hold: PostgreSQL's INTEGER, enforced here so that SQLite
# (which would store more) and PostgreSQL (which would refuse it with a traceback) agree.
MAX_INTEGER = 2_147_483_647
_IDENTIFIER = re.compile(r"\w[\w.:-]*")


def is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def is_subdivision(code: str) -> bool:
    return pycountry.subdivisions.get(code=code.upper()) is not None


def parse_actor(text: str) -> tuple[str, str] | None:
    """``"Name [CC]"`` → ``(name, CC)`` when CC is an ISO alpha-2 code or INT; else ``None``."""
    match = _ACTOR.match(text.strip())
    if not match:
        return None
    code = match.group("cc").upper()
    if code != "INT" and not is_country(code):
        return None
    return match.group("name").strip(), code


_ROLE = re.compile(r"^(?P<actor>.*\])\s*\((?P<role>[A-Za-z_ ]+)\)\s*$")


def split_role(text: str) -> tuple[str, str | None]:
    """``"Name [CC] (organiser)"`` → ``("Name [CC]", "organiser")``; no role → ``None``."""
    match = _ROLE.match(text.strip())
    if not match:
        return text.strip(), None
    return match.group("actor").strip(), match.group("role").strip().lower().replace(" ", "_")


_SEQUENCES = (list, tuple)
_PLAIN = (str, int, float)
_NESTED = (dict, list, tuple)


def _canonical(value):
    """Lists of plain values in one order: "societal;discursive" and "discursive;societal" are
    the same content, so re-importing an export never marks a row updated for the order."""
    if isinstance(value, dict):  # plain values stay as they are, without a call each
        return {k: _canonical(v) if isinstance(v, _NESTED) else v for k, v in value.items()}
    if isinstance(value, _SEQUENCES):
        items = [_canonical(v) if isinstance(v, _NESTED) else v for v in value]
        if all(v is None or isinstance(v, _PLAIN) for v in items):
            return sorted(items, key=lambda v: (v is None, str(v)))
        return items
    return value


_DOTTED = re.compile(r"(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4}|\d{2})")


def regional_date(value: str) -> str:
    """``dd.mm.yyyy``, ``dd.mm.yy`` and ``mm.yyyy`` — what spreadsheets in the region write —
    as ISO; anything else unchanged. Dots are day-first everywhere they are used, so there is no
    guessing (a US ``5/8/2020`` is not accepted). A two-digit year is 20yy up to this year's
    last two digits and 19yy after."""
    match = _DOTTED.fullmatch(value.strip())
    if not match:
        return value
    day, month, year = match.groups()
    if len(year) == 2:
        from datetime import date

        yy = int(year)
        year = str(2000 + yy if yy <= date.today().year % 100 else 1900 + yy)
    if day is None:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def content_hash(values: dict) -> str:
    """A stable fingerprint of a record's parsed content (for identity and change detection)."""
    canonical = json.dumps(_canonical(values), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Vocabulary:
    """A codebook whose code lists are computed once: the codebook derives them on every
    access, and a file of a million rows asks for each several times per row."""

    def __init__(self, codebook: object):
        self._codebook = codebook

    def __getattr__(self, name: str):
        value = getattr(self._codebook, name)
        setattr(self, name, value)
        return value


class RowChecker:
    """Parses the cells of one row and remembers every bad one."""

    def __init__(
        self, file: str, line: int, cells: dict[str, str], *, date_format: str | None = None
    ):
        self.file = file
        self.line = line
        self.cells = cells
        self.errors: list[CellError] = []
        # the user's strftime pattern (--date-format) for dates a spreadsheet re-wrote
        self.date_format = date_format

    def raw(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def fail(self, column: str, expected: str, value: str | None = None) -> None:
        self.errors.append(
            CellError(
                self.file, self.line, column, self.raw(column) if value is None else value, expected
            )
        )

    def text(self, column: str, *, required: bool = False, max_len: int = 500) -> str | None:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, "a value (this column is required)")
            return None
        if len(value) > max_len:
            self.fail(column, f"at most {max_len} characters (found {len(value)})")
            return None
        return value

    def identifier(self, column: str, *, max_len: int = 120) -> str | None:
        """An id that addresses its record everywhere (URLs, files, the CLI): letters, digits
        and ``. _ : -``, starting with a letter or digit — no slash, space or formula start."""
        value = self.text(column, max_len=max_len)
        if value is not None and not _IDENTIFIER.fullmatch(value):
            self.fail(
                column,
                "an id of letters, digits and . _ : - that starts with a letter or digit "
                "(such as kgtj-a-0042)",
            )
            return None
        return value

    def date(self, column: str, *, required: bool = False) -> PartialDate | None:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, "a date as YYYY-MM-DD, YYYY-MM or YYYY (required)")
            return None
        if self.date_format:
            try:
                return read_with_format(value, self.date_format)
            except ValueError:
                pass
        try:
            return PartialDate.parse(regional_date(value))
        except ValueError:
            given = f", or as {self.date_format} (--date-format)" if self.date_format else ""
            self.fail(column, f"a real date as YYYY-MM-DD, YYYY-MM or YYYY{given}")
            return None

    def code(
        self, column: str, allowed: Collection[str], *, what: str, required: bool = False
    ) -> str | None:
        value = self.raw(column)
        if not value:
            if required:
                self.fail(column, f"a {what}: one of {', '.join(allowed)} (required)")
            return None
        normalised = value.strip().lower().replace(" ", "_").replace("-", "_")
        if normalised not in allowed:
            self.fail(column, f"a {what}: one of {', '.join(allowed)}")
            return None
        return normalised

    def codes(self, column: str, allowed: Collection[str], *, what: str) -> tuple[str, ...]:
        value = self.raw(column)
        found = []
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            normalised = part.lower().replace(" ", "_").replace("-", "_")
            if normalised not in allowed:
                self.fail(column, f"';'-separated {what}s, each one of {', '.join(allowed)}", part)
            elif normalised not in found:
                found.append(normalised)
        return tuple(found)

    def integer(
        self, column: str, *, minimum: int = 0, allowed: Collection[int] | None = None
    ) -> int | None:
        value = self.raw(column)
        if not value:
            return None
        try:
            number = int(value.replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            self.fail(column, "a whole number" + (f" ≥ {minimum}" if minimum is not None else ""))
            return None
        if allowed is not None and number not in allowed:
            self.fail(column, f"one of {', '.join(str(a) for a in allowed)}")
            return None
        if number < minimum:
            self.fail(column, f"a whole number ≥ {minimum}")
            return None
        if number > MAX_INTEGER:
            self.fail(column, f"a whole number ≤ {MAX_INTEGER:,}")
            return None
        return number

    def count_range(self, column: str) -> tuple[int | None, int | None]:
        """A count or a range ``low-high`` (sources that disagree give a range, not one number)."""
        value = self.raw(column)
        if not value:
            return None, None
        if value.isascii() and value.isdigit():
            if int(value) > MAX_INTEGER:
                self.fail(column, f"a whole number ≤ {MAX_INTEGER:,}")
                return None, None
            return int(value), int(value)
        match = _RANGE.match(value)
        if match and int(match.group(1)) <= int(match.group(2)) <= MAX_INTEGER:
            return int(match.group(1)), int(match.group(2))
        self.fail(column, "a whole number, or a range low-high such as 36-55")
        return None, None

    def country(self, column: str, *, required: bool = False) -> str | None:
        value = self.raw(column).upper()
        if not value:
            if required:
                self.fail(column, "an ISO 3166-1 alpha-2 country code such as KG or TJ (required)")
            return None
        if not is_country(value):
            self.fail(column, "an ISO 3166-1 alpha-2 country code such as KG or TJ")
            return None
        return value

    def urls(self, column: str) -> tuple[str, ...]:
        value = self.raw(column)
        found = []
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            parsed = urlparse(part)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                self.fail(
                    column,
                    "a web address starting with http:// or https:// (several separated by ';')",
                    part,
                )
            else:
                found.append(part)
        return tuple(found)

    def actors(self, column: str) -> tuple[tuple[str, str], ...]:
        return tuple(actor for actor, _ in self.actors_with_roles(column, ()))

    def actors_with_roles(
        self, column: str, roles: Collection[str]
    ) -> tuple[tuple[tuple[str, str], str | None], ...]:
        """Actors written ``Name [CC]`` or ``Name [CC] (role)``, with the role checked against
        ``roles`` (the codebook's actor roles); an empty ``roles`` accepts none."""
        value = self.raw(column)
        found: list[tuple[str, str]] = []
        found_roles: list[str | None] = []
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            part, role = split_role(part)
            if role is not None and role not in roles:
                self.fail(
                    column,
                    "an actor role in brackets after the country: one of " + ", ".join(roles)
                    if roles
                    else "actors without a role",
                    part + f" ({role})",
                )
                continue
            actor = parse_actor(part)
            if actor is None:
                self.fail(
                    column,
                    "';'-separated actors written 'Name [CC]' with CC an ISO country code or INT",
                    part,
                )
                continue
            if actor not in found:
                found.append(actor)
                found_roles.append(role)
        return tuple(zip(found, found_roles, strict=True))


def check_header(
    file: str,
    header: list[str],
    known: Collection[str],
    required: Collection[str],
    *,
    ignore_extra: bool = False,
) -> list[CellError]:
    """Unknown columns (unless ignored) and missing required columns, reported on line 1."""
    errors = []
    seen = set()
    for column in header:
        if column in seen:
            errors.append(CellError(file, 1, column, column, "each column name only once"))
        seen.add(column)
        if column not in known and not ignore_extra:
            errors.append(
                CellError(
                    file,
                    1,
                    column,
                    column,
                    "a known column (" + ", ".join(known) + "); "
                    "use --ignore-extra to skip unknown columns",
                )
            )
    for column in required:
        if column not in header:
            errors.append(CellError(file, 1, column, None, f"a column named '{column}'"))
    return errors
