"""REFI-QDA reading, piece by piece with known answers: the CRLF convention of a source's
positions, and a memo written both as Description and as a note read once."""

from __future__ import annotations

import pytest

from lowpolitics.exchange.refi_memos import join_description, strip_description
from lowpolitics.exchange.refi_positions import RawSpan, choose_reading, clean_with_map

LINES = "ab\r\ncde\r\nfg"  # stored as "ab\ncde\nfg"; "cde" is 4-7 with CRs, 3-6 without


@pytest.mark.parametrize(
    ("raw_spans", "stored", "says"),
    [
        ([(4, 7, "cde")], (3, 6), None),  # the selected text fits only with CRs: standard, silent
        ([(3, 6, "cde")], (3, 6), "1 of 1 selections' text matches so, 0 when CRs"),
        ([(3, 6, None)], (3, 6), "fall between a CR and its LF"),  # 3 is inside the first CRLF
        ([(9, 11, None)], (7, 9), None),  # 11 is past the end read without CRs: standard
        ([(4, 7, None)], (3, 6), "nothing shows whether its positions count the CRs"),
        ([(0, 2, None)], (0, 2), None),  # before the first line end: nothing to decide
    ],
)
def test_crlf_convention_decided_from_evidence(raw_spans, stored, says):
    text, mapping = clean_with_map(LINES)
    assert text == "ab\ncde\nfg"
    found = [RawSpan(s, e, hint, None) for s, e, hint in raw_spans]
    reading = choose_reading(LINES, text, mapping, found, "x.qdpx")
    start, end = raw_spans[0][:2]
    assert (reading.mapping[start], reading.mapping[end]) == stored
    assert (reading.warning is None) if says is None else (says in reading.warning)


def test_description_repeating_the_notes_is_read_once():
    both = join_description("Definition", ["first memo ", "second\n\nmemo"])
    assert both == "Definition\n\nfirst memo\n\nsecond\n\nmemo"
    assert strip_description(both, ["first memo", "second\n\nmemo"]) == "Definition"
    assert strip_description("first memo", ["first memo"]) is None
    assert strip_description("Another client's memo", ["a note"]) == "Another client's memo"
