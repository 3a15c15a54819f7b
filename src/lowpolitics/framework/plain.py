"""``dataclasses.asdict`` without its cost on large results.

``asdict`` deep-copies every leaf, strings and numbers included; a held-or-broken table at
100,000 activities holds hundreds of thousands of them. Immutable scalars need no copy, so
they are passed through; everything else is converted exactly as ``asdict`` converts it
(dataclasses to dicts, named tuples, lists, tuples and dicts rebuilt, other objects
deep-copied), and the result is equal, key for key and in the same order.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from typing import Any

_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once


def as_plain(obj: Any) -> Any:
    """What ``dataclasses.asdict`` returns for a dataclass instance (and for anything else,
    what it would make of it as a field value)."""
    kind = type(obj)
    if kind in _SCALARS:
        return obj
    names = _FIELDS.get(kind)
    if names is None and hasattr(kind, "__dataclass_fields__"):
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind))
    if names is not None:
        return {name: as_plain(getattr(obj, name)) for name in names}
    # plain lists, tuples and dicts (most of a result: lists of ids) without a call per scalar
    if kind is list:
        return [v if type(v) in _SCALARS else as_plain(v) for v in obj]
    if kind is dict:
        return {
            (k if type(k) in _SCALARS else as_plain(k)): (v if type(v) in _SCALARS else as_plain(v))
            for k, v in obj.items()
        }
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return kind(*[as_plain(v) for v in obj])
    if isinstance(obj, list | tuple):
        return kind(as_plain(v) for v in obj)
    if isinstance(obj, dict):
        return kind((as_plain(k), as_plain(v)) for k, v in obj.items())
    return copy.deepcopy(obj)
