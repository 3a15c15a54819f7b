"""What a field expected, in the reader's language.

The row checks (``ingest.checks``) describe a bad cell in English — the same words the CLI
prints and the import preview lists. A form in Russian, Kyrgyz or Tajik should say it in the
reader's language, so the common descriptions are recognised here by their shape and
rewritten from a catalogue message with the same values. A description no pattern knows is
shown as it is (in English) rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: extracted, translated later
    return text


# (pattern over the English description, the catalogue message it becomes)
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"^a value \(this column is required\)$", N_("a value (this field is required)")),
        (
            r"^a date as YYYY-MM-DD, YYYY-MM or YYYY \(required\)$",
            N_("a date as YYYY-MM-DD, YYYY-MM or YYYY (required)"),
        ),
        (
            r"^a (real )?date (as )?YYYY-MM-DD, YYYY-MM or YYYY$",  # the second: list filters
            N_("a real date as YYYY-MM-DD, YYYY-MM or YYYY"),
        ),
        (
            r"^a date on or after the start date (?P<date>\S+)$",
            N_("a date on or after the start date {date}"),
        ),
        (
            r"^a date not after today for status (?P<status>\w+)$",
            N_("a date not after today for status {status}"),
        ),
        (
            r"^an end date: a tension period runs from date to end_date$",
            N_("an end date: a tension period runs from its date to its end date"),
        ),
        (
            r"^at most (?P<n>\d+) characters \(found (?P<found>\d+)\)$",
            N_("at most {n} characters (found {found})"),
        ),
        (r"^a whole number ≥ (?P<minimum>-?\d+)$", N_("a whole number ≥ {minimum}")),
        (r"^a whole number$", N_("a whole number")),
        (
            r"^a whole number, or a range low-high such as 36-55$",
            N_("a whole number, or a range low-high such as 36-55"),
        ),
        (
            r"^at most participants_total \((?P<total>\d+)\)$",
            N_("at most the total number of participants ({total})"),
        ),
        (
            r"^an ISO 3166-1 alpha-2 country code such as KG or TJ( \(required\))?$",
            N_("an ISO 3166-1 alpha-2 country code such as KG or TJ"),
        ),
        (
            r"^a [a-z ]+: one of (?P<codes>.+?)( \(required\))?$",
            N_("one of the codebook's codes: {codes}"),
        ),
        (
            r"^';'-separated [a-z ]+s, each one of (?P<codes>.+)$",
            N_("codes separated by ';', each one of: {codes}"),
        ),
        (r"^one of (?P<codes>.+)$", N_("one of: {codes}")),
        (
            r"^a web address starting with http:// or https:// \(several separated by ';'\)$",
            N_("a web address starting with http:// or https:// (several separated by ';')"),
        ),
        (
            r"^';'-separated actors written 'Name \[CC\]' with CC an ISO country code or INT$",
            N_("actors written 'Name [CC]' (CC: an ISO country code or INT), separated by ';'"),
        ),
        (
            r"^text in (?P<encoding>\S+), as --encoding says \(byte (?P<byte>\d+)\)$",
            N_("text in {encoding}, the encoding chosen (byte {byte} does not fit it)"),
        ),
        (
            r"^text in UTF-8, UTF-16, Windows-1251 or KOI8-R \(save as 'CSV UTF-8'\)$",
            N_("text in UTF-8, UTF-16, Windows-1251 or KOI8-R: save it as 'CSV UTF-8'"),
        ),
        (
            r"^an encoding Python knows, such as (?P<names>.+)$",
            N_("an encoding Python knows, such as {names}"),
        ),
        (r"^a full day YYYY-MM-DD$", N_("a full day as YYYY-MM-DD")),
        (
            r"^empty: the row is dated to the day \((?P<date>[^)]+)\); a bound only narrows a "
            r"date given as a month or a year$",
            N_(
                "empty: the row is dated to the day ({date}); a bound only narrows a date "
                "given as a month or a year"
            ),
        ),
        (
            r"^a day inside the row's date (?P<date>\S+) \((?P<first>\S+) to (?P<last>\S+)\)$",
            N_("a day inside the row's date {date} ({first} to {last})"),
        ),
        (
            r"^a day on or after not_before \((?P<date>[^)]+)\)$",
            N_("a day on or after the not-before day ({date})"),
        ),
        (
            r"^a unique id \(already used on line (?P<line>\d+)\)$",
            N_("an id not used yet (line {line} has it)"),
        ),
        (
            r"^an ISO 3166-2 region code such as KG-B or TJ-SU, or a region name the "
            r"gazetteer knows$",
            N_("an ISO 3166-2 region code such as KG-B or TJ-SU, or a region name we know"),
        ),
    )
)


def translate_expected(expected: str, gettext: Callable[[str], str]) -> str:
    """``expected`` in the language of ``gettext``; unchanged when no pattern knows it."""
    for pattern, message in PATTERNS:
        match = pattern.match(expected)
        if match:
            values = {k: v for k, v in match.groupdict().items() if v is not None}
            return gettext(message).format(**values)
    return expected
