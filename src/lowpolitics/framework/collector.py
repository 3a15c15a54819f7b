"""Python's cycle collector paused around work that builds many long-lived, acyclic objects.

Every full collection walks all live container objects again. An analysis run or a bulk
import creates hundreds of thousands of small records (and holds the codebook, gazetteer
and SQLAlchemy's metadata all along) that hold no cycles, so those walks free nothing: at
100,000 activities they cost about a third of ``analyse all``'s CPU time, and about 8 % of
a 10,000-row registry import's. Reference counting still frees everything else as it goes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(generation: int = 2) -> Iterator[None]:
    """The cycle collector off inside the block, back on after, error or not.

    The cyclic garbage the block leaves (graph views, data frames, a session's objects) is
    collected in one pass at the end, inside the block's caller, so that neither the memory
    nor the time of it is handed to whatever runs next. ``generation`` 2 is a full pass.
    With the collector off every object the block made stays in the youngest generation,
    so ``generation`` 0 still reaches all of the block's garbage without walking the rest
    of the heap (for an import, the full pass cost about as much as the pauses saved). A
    collector that was already off stays off, and collects nothing here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(generation)
