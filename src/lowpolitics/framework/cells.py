"""Cells that are safe to open in a spreadsheet (CSV and formula injection, per OWASP).

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula — and a
tab or carriage return can hide such a start — so a record titled ``=HYPERLINK("http://…"&A1)``
exported as it is would leak the sheet when opened. Every CSV and XLSX the product writes passes
its text cells through :func:`neutralise`, which puts an apostrophe before such a start (the
spreadsheet then shows the text as text); a plain number such as ``-5`` or ``+3.5`` is left as it
is. The importers pass cells through :func:`restore`, which removes that apostrophe again, so an
export read back gives the same records.
"""

from __future__ import annotations

import re

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def neutralise(value: object) -> object:
    """``value`` with an apostrophe before a formula-like start; other values unchanged."""
    if isinstance(value, str) and value.startswith(_DANGEROUS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The text a neutralised cell stood for (an apostrophe before a formula-like start)."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(_DANGEROUS):
        return value[1:]
    return value


def neutralise_row(row: dict) -> dict:
    return {k: neutralise(v) for k, v in row.items()}
