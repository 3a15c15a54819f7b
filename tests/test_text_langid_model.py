"""py3langid's model read from the unpacked copy in the cache: the same arrays as py3langid's
own loader, written once, skipped when the cache is off or cannot be written, and a damaged
copy replaced rather than trusted."""

from __future__ import annotations

from array import array
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE
from py3langid.modelio import load_model

from lowpolitics.text import langid_model

ARCHIVE = Path(MODEL_DIR) / MODEL_FILE


@pytest.fixture(scope="module")
def expected():
    return load_model(ARCHIVE)


def _same(got, expected) -> None:
    assert len(got) == len(expected) == 6
    for ours, theirs in zip(got, expected, strict=True):
        if isinstance(theirs, np.ndarray):
            assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
        elif isinstance(theirs, array):
            assert ours.typecode == theirs.typecode and ours == theirs
        else:
            assert ours == theirs


def test_written_once_then_read_from_the_cache(tmp_path, monkeypatch, expected):
    monkeypatch.setenv("LOWPOLITICS_CACHE_DIR", str(tmp_path))
    (tmp_path / "py3langid-model-1-2.npz").write_bytes(b"an earlier model's copy")
    _same(langid_model.load_model_arrays(MODEL_FILE), expected)
    copies = list(tmp_path.glob("py3langid-model-*.npz"))
    assert len(copies) == 1 and copies[0].stat().st_size > ARCHIVE.stat().st_size
    assert not list(tmp_path.glob("*.part"))

    def no_unpacking(*args, **kwargs):
        raise AssertionError("the archive was unpacked again")

    monkeypatch.setattr(langid_model.lzma, "open", no_unpacking)
    monkeypatch.setattr("py3langid.modelio.load_model", no_unpacking)
    _same(langid_model.load_model_arrays(MODEL_FILE), expected)


def test_cache_off_or_unwritable_reads_the_archive(tmp_path, monkeypatch, expected):
    monkeypatch.setenv("LOWPOLITICS_CACHE_DIR", "")
    _same(langid_model.load_model_arrays(ARCHIVE), expected)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("LOWPOLITICS_CACHE_DIR", str(blocked / "cache"))
    _same(langid_model.load_model_arrays(ARCHIVE), expected)
    assert blocked.read_text() == "not a directory"


def test_a_damaged_copy_is_not_trusted(tmp_path, monkeypatch, expected):
    monkeypatch.setenv("LOWPOLITICS_CACHE_DIR", str(tmp_path))
    stat = ARCHIVE.stat()
    damaged = tmp_path / f"py3langid-model-{stat.st_size}-{stat.st_mtime_ns}.npz"
    damaged.write_bytes(b"PK\x03\x04 cut short")
    _same(langid_model.load_model_arrays(ARCHIVE), expected)
    assert not damaged.exists()
