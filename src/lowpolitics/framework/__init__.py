"""The framework as data: codebook, gazetteer, partial dates and the user-facing errors.

Every other stage may import from here; this package imports from no other stage.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lowpolitics.framework.codebook import Codebook, load_codebook
    from lowpolitics.framework.dates import PartialDate
    from lowpolitics.framework.errors import (
        CellError,
        InputError,
        LowpoliticsError,
        NotFoundError,
    )
    from lowpolitics.framework.gazetteer import Gazetteer, Place, load_gazetteer

# Where each name below lives. They are imported on first use, so that importing one module of
# the framework (the errors, say) does not load the codebook's YAML and pydantic with it.
_HOMES = {
    "CellError": "errors",
    "Codebook": "codebook",
    "Gazetteer": "gazetteer",
    "InputError": "errors",
    "LowpoliticsError": "errors",
    "NotFoundError": "errors",
    "PartialDate": "dates",
    "Place": "gazetteer",
    "load_codebook": "codebook",
    "load_gazetteer": "gazetteer",
}

__all__ = [
    "CellError",
    "Codebook",
    "Gazetteer",
    "InputError",
    "LowpoliticsError",
    "NotFoundError",
    "PartialDate",
    "Place",
    "load_codebook",
    "load_gazetteer",
]


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
