"""What the global options select (database, codebook), resolved lazily and shared by commands."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from lowpolitics.framework.codebook import Codebook, load_codebook
from lowpolitics.framework.gazetteer import Gazetteer, load_gazetteer
from lowpolitics.store.db import make_engine, resolve_url


@dataclass
class State:
    db: str | None = None
    codebook_file: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return resolve_url(self.db)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.db)
        return self._engine

    @property
    def codebook(self) -> Codebook:
        return load_codebook(self.codebook_file)

    @property
    def gazetteer(self) -> Gazetteer:
        return load_gazetteer()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
