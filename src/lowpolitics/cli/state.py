"""What the global options select (database, codebook), resolved lazily and shared by commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # each imported where first used: a command loads only what it touches
    from sqlalchemy import Engine

    from lowpolitics.framework.codebook import Codebook
    from lowpolitics.framework.gazetteer import Gazetteer


@dataclass
class State:
    db: str | None = None
    codebook_file: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        from lowpolitics.store.db import resolve_url

        return resolve_url(self.db)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from lowpolitics.store.db import make_engine

            self._engine = make_engine(self.db)
        return self._engine

    @property
    def codebook(self) -> Codebook:
        from lowpolitics.framework.codebook import load_codebook

        return load_codebook(self.codebook_file)

    @property
    def gazetteer(self) -> Gazetteer:
        from lowpolitics.framework.gazetteer import load_gazetteer

        return load_gazetteer()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
