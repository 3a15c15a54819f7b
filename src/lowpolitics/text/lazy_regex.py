"""Regular expressions compiled when first used rather than when their module is imported.

The date and status patterns are many and long (Unicode classes, case folding over four
languages): compiling them all took about a second of every ``lowpolitics classify`` start-up,
and a text uses few of them — one without a month name never runs the month patterns. A
:class:`LazyPattern` stands where the compiled pattern stood and compiles it at the first call.
"""

from __future__ import annotations

from typing import Any

import regex


class LazyPattern:
    """``regex.compile(source, flags)``, deferred: any attribute of the compiled pattern
    (``match``, ``finditer``, ``pattern``…) compiles it once and is then kept on this object,
    so later calls cost what calls on the compiled pattern cost."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags

    def compiled(self) -> regex.Pattern[str]:
        rx = self.__dict__.get("_compiled")
        if rx is None:
            rx = self.__dict__["_compiled"] = regex.compile(self._source, self._flags)
        return rx

    def __getattr__(self, name: str) -> Any:
        # only reached for names not set yet; dunders (pickle's, copy's) are not the pattern's
        if name.startswith("__") or name in ("_source", "_flags"):
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        self.__dict__[name] = value
        return value

    def __reduce__(self):
        return LazyPattern, (self._source, self._flags)  # pickled uncompiled, as regex does

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"
