"""Analysis results shared by every server process through files in the work folder.

Why: ``serve --workers N`` runs N processes, and each used to run every analysis once per
database state for itself — N times the work of one process, and the first page view in each
worker paid seconds. One process computes; it writes the result to a file named after the
database state (audit generation), the day, the software version and the request's options; the
others read it (a pickle of the bundled demo's analysis is under 1 MB and loads in ~15 ms,
against seconds to compute). A lock file makes the processes asking at the same moment wait for
the first one instead of computing in parallel.

The files are the server's own (written and read in its private work folder, never from a
user), so pickle is safe here. A file that cannot be read back — written by another version, or
cut short — counts as missing and is computed again. Files of older states or days are removed
as soon as a newer one is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Hashable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

from lowpolitics import __version__

T = TypeVar("T")
ABANDONED_SECONDS = 3600  # a write that old was cut short by a killed process
_MISSING = object()

try:  # POSIX: an advisory lock other processes wait on
    import fcntl
except ImportError:  # pragma: no cover — Windows: no lock, at worst two processes compute
    fcntl = None  # type: ignore[assignment]


def _name(gen: int, key: Hashable) -> str:
    digest = hashlib.sha256(f"{__version__}|{key!r}".encode()).hexdigest()[:32]
    return f"g{gen}-{date.today().isoformat()}-{digest}"


def _load(path: Path) -> object:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return _MISSING
    except Exception:  # written by another version or cut short: compute again  # noqa: BLE001
        return _MISSING


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _write(folder: Path, final: Path, value: object) -> None:
    descriptor, scratch = tempfile.mkstemp(dir=folder, prefix=".writing-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch, final)  # readers see the whole file or none
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        raise


def _sweep(folder: Path, gen: int) -> None:
    """Remove results of older states and earlier days, and writes left by killed processes."""
    today = date.today().isoformat()
    for path in folder.iterdir():
        name = path.name
        with contextlib.suppress(OSError):
            if name.startswith(".writing-"):
                if time.time() - path.stat().st_mtime > ABANDONED_SECONDS:
                    path.unlink()
                continue
            number, _, rest = name[1:].partition("-")
            if not (name.startswith("g") and number.isdigit()):
                continue
            if int(number) < gen or (int(number) == gen and not rest.startswith(today)):
                path.unlink()


def shared_result(folder: Path, gen: int, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per (database state, day, version, key) across every process that
    uses ``folder``; the others read its result. ``key`` must have a stable ``repr`` (tuples
    of strings, numbers, dates)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = _name(gen, key)
    final = folder / f"{name}.pickle"
    value = _load(final)
    if value is not _MISSING:
        return value  # type: ignore[return-value]
    with _locked(folder / f"{name}.lock"):
        value = _load(final)  # the process holding the lock before us may have written it
        if value is _MISSING:
            value = compute()
            _write(folder, final, value)
    _sweep(folder, gen)
    return value  # type: ignore[return-value]
