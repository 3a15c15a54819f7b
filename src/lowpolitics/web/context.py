"""What every request handler needs: the database, the codebook, the gazetteer, settings.

One ``WebContext`` is made per app and stored on ``app.state.ctx``; handlers reach it through
:func:`web_context`. Database work happens in explicit ``with ctx.session() as s:`` blocks —
one transaction per request that writes, rolled back whole on any error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.gazetteer import Gazetteer, Place
from lowpolitics.store.db import session_scope
from lowpolitics.store.jobs import JobSettings

# Set by the app's middleware for each request: True for POST, PUT, PATCH and DELETE, whose
# transactions write after reading (version checks) and so begin by taking the write lock.
WRITING: ContextVar[bool] = ContextVar("writing", default=False)
# Sessions open in this request: one opened inside another only reads (a page rendered while
# an edit's transaction is open), so it must not wait for the write lock its caller holds.
_OPEN: ContextVar[int] = ContextVar("open_sessions", default=0)


@dataclass(frozen=True)
class LookupOptions:
    """How many suggestions a searchable form field is offered, by default and at most."""

    limit: int = 10
    max_limit: int = 50


@dataclass(frozen=True)
class TotalsOptions:
    """How long a list's counted total may be reused (``web.list_totals``), and how many
    filter sets are kept."""

    max_age: float = 5.0  # seconds
    max_entries: int = 1000


@dataclass
class WebContext:
    engine: Engine
    codebook: Codebook
    gazetteer: Gazetteer
    work_dir: Path  # uploads waiting for confirmation, generated briefs
    secure_cookies: bool = False
    cache: dict = field(default_factory=dict)  # results keyed by the audit generation
    as_of: date | None = None  # the day taken as today (tests); None: the real today
    lookup: LookupOptions = field(default_factory=LookupOptions)
    jobs: JobSettings = field(default_factory=JobSettings.from_environment)
    totals: TotalsOptions = field(default_factory=TotalsOptions)

    def today(self) -> date:
        return self.as_of or date.today()

    @cached_property
    def regions(self) -> dict[str, Place]:
        """The gazetteer's regions by ISO 3166-2 code (pages show their names)."""
        return {p.region: p for p in self.gazetteer.regions() if p.region}

    @contextmanager
    def session(self, write: bool | None = None) -> Iterator[Session]:
        """One transaction; a writing request's begins with the write lock (see WRITING)."""
        depth = _OPEN.get()
        writing = (WRITING.get() if write is None else write) and depth == 0
        token = _OPEN.set(depth + 1)
        try:
            with session_scope(self.engine, write=writing) as s:
                yield s
        finally:
            _OPEN.reset(token)


def web_context(request: Request) -> WebContext:
    return request.app.state.ctx
