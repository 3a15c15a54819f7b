"""Every router of the app: each module in ``web.pages`` and ``web.api`` that defines
``router`` is included, in module-name order, so adding a page is adding a module."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter

from lowpolitics.web import api, pages


def _collect() -> list[APIRouter]:
    found = []
    for package in (pages, api):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if isinstance(router, APIRouter):
                found.append(router)
    return found


ROUTERS = _collect()
