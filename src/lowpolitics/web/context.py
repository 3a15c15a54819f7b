"""What every request handler needs: the database, the codebook, the gazetteer, settings.

One ``WebContext`` is made per app and stored on ``app.state.ctx``; handlers reach it through
:func:`web_context`. Database work happens in explicit ``with ctx.session() as s:`` blocks —
one transaction per request that writes, rolled back whole on any error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.gazetteer import Gazetteer
from lowpolitics.store.db import session_scope


@dataclass
class WebContext:
    engine: Engine
    codebook: Codebook
    gazetteer: Gazetteer
    work_dir: Path  # uploads waiting for confirmation, generated briefs
    secure_cookies: bool = False
    cache: dict = field(default_factory=dict)  # results keyed by the audit generation

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as session:
            yield session


def web_context(request: Request) -> WebContext:
    return request.app.state.ctx
