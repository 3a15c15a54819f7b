"""Patterns compiled at their first use: the same matches as the compiled pattern, and none of
the date or status patterns compiled by importing the text pipeline (a second of start-up)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import regex

from lowpolitics.text.lazy_regex import LazyPattern


def test_a_lazy_pattern_matches_as_the_compiled_one():
    source, flags = r"(?<![\p{L}])(?:вчера|сегодня)(?![\p{L}])", regex.IGNORECASE | regex.VERSION1
    lazy, compiled = LazyPattern(source, flags), regex.compile(source, flags)
    text = "Вчера и СЕГОДНЯ, но не вчерашний"
    assert "_compiled" not in lazy.__dict__
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert "_compiled" in lazy.__dict__
    assert lazy.match(text, 8).group() == compiled.match(text, 8).group() == "СЕГОДНЯ"
    assert lazy.search("ничего") is None
    assert lazy.pattern == compiled.pattern
    assert lazy.compiled() is lazy.compiled()


def test_a_lazy_pattern_survives_pickling():
    lazy = LazyPattern("a+b", regex.IGNORECASE)
    assert lazy.search("ab")  # compiled and used before pickling
    again = pickle.loads(pickle.dumps(lazy))
    assert again.search("xAAB").group() == "AAB"


def test_importing_the_pipeline_compiles_no_date_or_status_pattern():
    code = (
        "import lowpolitics.text.dates as d, lowpolitics.text.statuses as s\n"
        "from lowpolitics.text import date_patterns as p\n"
        "lazy = [x.rx for x in p.PATTERNS + p.REL_PATTERNS] + [c.rx for c in s._COMPILED]\n"
        "lazy += list(p.ANY_RELATIVE.values())\n"
        "print(len(lazy), sum('_compiled' in x.__dict__ for x in lazy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    total, compiled = map(int, done.stdout.split())
    assert total > 100 and compiled == 0
