"""Positions in another client's source file, mapped onto our stored text (NFC, LF).

The standard counts code points of the plain-text file as written, so a CRLF line end is two.
Not every producer does: MAXQDA and ATLAS.ti write CRLF files but count each line end as one
character, and QualCoder's "MAXQDA line endings" export does the same (it adds the CRs to
the file, not to the positions). Read with the wrong convention every span after the first
line end drifts by one character per line, silently. So for a file with CRLF the convention
is decided from evidence, strongest first:

1. the selected text some producers write beside the positions (``PlainTextSelection@name``:
   QualCoder writes the whole text, we write its first 80 characters) — whichever reading
   reproduces more of them wins;
2. impossible positions — one landing between a CR and its LF, or past the end of the file
   read without CRs.

If neither decides, positions are read as the standard says and a warning asks for a check;
the producer's name is not taken as evidence (the same client has written both forms, and
QualCoder lets the user choose).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import regex

MIN_HINT = 3  # shorter selected-text hints match too easily to count as evidence
_SPACE = re.compile(r"\s+")


def clean_with_map(raw: str) -> tuple[str, list[int] | None]:
    """NFC/LF text and, unless they are equal, where each raw code-point offset lands in it."""
    if "\r" not in raw and unicodedata.is_normalized("NFC", raw):
        return raw, None
    step, lf_map, i = [], [], 0
    while i < len(raw):
        lf_map.append(len(step))
        if raw[i] == "\r" and raw[i + 1 : i + 2] == "\n":
            lf_map.append(len(step) + 1)
            i += 1
        step.append("\n" if raw[i] in "\r\n" else raw[i])
        i += 1
    lf_map.append(len(step))
    lf_text = "".join(step)
    parts, nfc_map = [], []
    size = 0
    for cluster in regex.findall(r"\X", lf_text):
        nfc_map.extend([size] * len(cluster))
        composed = unicodedata.normalize("NFC", cluster)
        parts.append(composed)
        size += len(composed)
    nfc_map.append(size)
    clean = "".join(parts)
    if clean != unicodedata.normalize("NFC", lf_text):
        raise ValueError("NFC does not compose cluster by cluster")
    return clean, [nfc_map[p] for p in lf_map]


def without_cr_map(raw: str, mapping: list[int]) -> list[int]:
    """Where each position counted without the CR of every CRLF lands in the stored text."""
    # the CR stands for the whole line end: a position on it is before the break
    kept = [i for i, ch in enumerate(raw) if not (ch == "\n" and raw[i - 1 : i] == "\r")]
    return [mapping[i] for i in kept] + [mapping[len(raw)]]


@dataclass(frozen=True)
class RawSpan:
    """A selection as the file gives it: positions, the selected text if written, its line."""

    start: int
    end: int
    hint: str | None
    line: int | None


@dataclass(frozen=True)
class Reading:
    """How a source's positions are read: the map to stored offsets (None: identity), the
    number of positions it accepts, and a warning when the reading was corrected or guessed."""

    mapping: list[int] | None
    limit: int
    warning: str | None = None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _matches(hint: str, selected: str) -> bool:
    hint = _norm(hint).rstrip("…").rstrip(".").rstrip()
    return len(hint) >= MIN_HINT and _norm(selected).startswith(hint)


def _spans(spans: list[RawSpan], mapping: list[int]) -> list[tuple[int, int] | None]:
    limit = len(mapping) - 1
    return [
        (mapping[s.start], mapping[s.end]) if 0 <= s.start <= s.end <= limit else None
        for s in spans
    ]


def choose_reading(
    raw: str, text: str, mapping: list[int] | None, spans: list[RawSpan], label: str
) -> Reading:
    """Decide whether ``spans`` count the CR of CRLF line ends (module docstring)."""
    standard = Reading(mapping, len(raw))
    if mapping is None or "\r\n" not in raw or not spans:
        return standard
    no_cr = without_cr_map(raw, mapping)
    alternative = Reading(no_cr, len(no_cr) - 1)
    with_cr, without = _spans(spans, mapping), _spans(spans, no_cr)
    if with_cr == without:
        return standard  # every span ends before the first line end: nothing to decide
    moved = sum(a != b for a, b in zip(with_cr, without, strict=True))
    hints = [(s, a, b) for s, a, b in zip(spans, with_cr, without, strict=True) if s.hint]
    score_cr = sum(1 for s, a, _ in hints if a and _matches(s.hint, text[a[0] : a[1]]))
    score_no = sum(1 for s, _, b in hints if b and _matches(s.hint, text[b[0] : b[1]]))
    if score_no > score_cr:
        return Reading(
            no_cr,
            alternative.limit,
            f"{label}: positions count each CRLF line end as one character (as MAXQDA and "
            f"ATLAS.ti write them): {score_no} of {len(hints)} selections' text matches so, "
            f"{score_cr} when CRs are counted; {moved} spans corrected",
        )
    if score_cr > score_no:
        return standard
    inside_crlf = sum(
        1
        for s in spans
        for p in (s.start, s.end)
        if 0 < p < len(raw) and raw[p - 1 : p + 1] == "\r\n"
    )
    past_end = sum(1 for b in without if b is None)
    if inside_crlf and not past_end:
        return Reading(
            no_cr,
            alternative.limit,
            f"{label}: {inside_crlf} positions fall between a CR and its LF when CRs are "
            f"counted, so line ends were read as one character; {moved} spans corrected",
        )
    if past_end and not inside_crlf:
        return standard
    return Reading(
        mapping,
        len(raw),
        f"{label}: the file has CRLF line ends and nothing shows whether its positions count "
        f"the CRs; read as counting them (the standard), {moved} spans would differ otherwise "
        "— check a few of them",
    )
