"""How many records match a list's filters, counted once per database state (for a while).

Why: every page of the activities API counted all the matching activities again. On
PostgreSQL with 100,000 activities that ``count(*)`` took 10–15 ms of the database server's
CPU per request — more than the rest of the request — though the number only changes when
the data do (issue 17, API latency). Every change the app makes leaves an audit entry, so a
total is kept for the audit *generation* it was counted at, as ``analysis_cache`` keeps
analyses; and for at most ``context.TotalsOptions.max_age`` seconds, so that a change that did not
move the generation (a transaction that committed a lower audit id after a higher one was
seen) shows within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable

from sqlalchemy.orm import Session

from lowpolitics.store.audit import generation
from lowpolitics.web.context import TotalsOptions, WebContext

CACHE_KEY = "lowpolitics.web.list_totals"


class Totals:
    """Totals by filter set, for the newest generation seen; older ones are dropped."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._guard = threading.Lock()
        self._generation = -1
        self._found: dict[Hashable, tuple[float, int]] = {}

    def get(self, gen: int, key: Hashable, count: Callable[[], int], options: TotalsOptions) -> int:
        now = self._clock()
        with self._guard:
            if gen > self._generation:
                self._generation, self._found = gen, {}
            hit = self._found.get(key) if gen == self._generation else None
        if hit is not None and now - hit[0] <= options.max_age:
            return hit[1]
        value = count()
        with self._guard:
            if gen == self._generation:  # not a request that read an older state
                if len(self._found) >= options.max_entries:
                    self._found = {}
                self._found[key] = (now, value)
        return value


def cached_total(ctx: WebContext, session: Session, key: Hashable, count: Callable[[], int]) -> int:
    """``count()``, or the total it gave for ``key`` at this database state a moment ago."""
    totals = ctx.cache.setdefault(CACHE_KEY, Totals())  # atomic for a str key
    return totals.get(generation(session), key, count, ctx.totals)
