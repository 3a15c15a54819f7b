"""py3langid's model, unpacked once into a cache directory and read from there afterwards.

The model ships as an LZMA-compressed npz (4.5 MB, 68 MB unpacked). Unpacking it took about
0.5 s of CPU in every process that identified a language: most of the start-up of a
``classify`` of a few texts. The first process writes the unpacked npz to the cache directory
(see :func:`lowpolitics.text.options.cache_dir`), named after the archive's size and time, and
later ones read the same arrays from it in a few hundredths of a second. When the directory
cannot be written, the model is unpacked from its archive each time, as py3langid does.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
import tempfile
import zipfile
from array import array
from pathlib import Path

import numpy as np

from lowpolitics.text.options import cache_dir

_PREFIX = "py3langid-model-"
_TYPECODES = {2: "H", 4: "I", 8: "L"}


def _to_array(values: np.ndarray) -> array:
    """An unsigned integer array as a stdlib array, as py3langid keeps its automaton (indexing
    one from Python is faster than indexing a NumPy array)."""
    out = array(_TYPECODES[values.dtype.itemsize])
    out.frombytes(memoryview(np.ascontiguousarray(values)).cast("B"))
    return out


def _read_npz(path: Path) -> tuple:
    """(nb_ptc, nb_pc, classes, nextmove, nextmove_row, output), as py3langid's ``load_model``
    returns them, from an unpacked model."""
    with np.load(path, allow_pickle=False) as data:
        return (
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            _to_array(data["nextmove"]),
            _to_array(data["nextmove_row"]),
            data["out_feat"].tolist(),
        )


def _cached_copy(model_file: Path) -> Path | None:
    """The unpacked model in the cache, written now if missing; ``None`` without a cache."""
    folder = cache_dir()
    if folder is None:
        return None
    stat = model_file.stat()
    target = folder / f"{_PREFIX}{stat.st_size}-{stat.st_mtime_ns}.npz"
    if target.exists():
        return target
    part = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as out:
            part = Path(out.name)
            with lzma.open(model_file) as source:
                shutil.copyfileobj(source, out, length=1 << 20)
        os.replace(part, target)  # whole or absent, even with several processes at once
    except OSError:
        if part is not None:
            with contextlib.suppress(OSError):
                part.unlink()
        return None
    for old in folder.glob(f"{_PREFIX}*.npz"):  # copies of an earlier model file
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
    return target


def load_model_arrays(model_file: str | Path) -> tuple:
    """py3langid's model arrays for ``model_file`` (an ``.npz.xz``), from the cache if it can."""
    path = Path(model_file)
    if not path.is_absolute():
        from py3langid.langid import MODEL_DIR

        path = MODEL_DIR / path
    cached = _cached_copy(path)
    if cached is not None:
        try:
            return _read_npz(cached)
        except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
            # a damaged copy: read the archive this time; the next process writes it anew
            with contextlib.suppress(OSError):
                cached.unlink()
    from py3langid.modelio import load_model

    return load_model(path)
