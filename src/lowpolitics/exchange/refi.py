"""REFI-QDA exchange (``.qdpx`` projects, ``.qdc`` codebooks): the public entry points.

Export lives in :mod:`refi_export`, import in :mod:`refi_import`, the defences against hostile
archives and XML in :mod:`refi_safety`; this module only gathers what callers need.
"""

from __future__ import annotations

from lowpolitics.exchange.refi_export import build_project, export_qdc, export_qdpx, guid
from lowpolitics.exchange.refi_import import RefiCounts, import_qdc, import_qdpx

__all__ = [
    "RefiCounts",
    "build_project",
    "export_qdc",
    "export_qdpx",
    "guid",
    "import_qdc",
    "import_qdpx",
]
