"""The framework as data: codebook, gazetteer, partial dates and the user-facing errors.

Every other stage may import from here; this package imports from no other stage.
"""

from lowpolitics.framework.codebook import Codebook, load_codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import (
    CellError,
    InputError,
    LowpoliticsError,
    NotFoundError,
)
from lowpolitics.framework.gazetteer import Gazetteer, Place, load_gazetteer

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
