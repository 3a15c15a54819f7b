"""Analysis results shared by server processes through the work folder: computed once per
state across processes, a broken file computed again, older states swept."""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

from lowpolitics.web.shared_results import shared_result


def test_a_second_reader_gets_the_file_not_a_new_computation(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"share": 0.25, "ids": ("a1", "a2")}

    first = shared_result(tmp_path, 3, ("analysis", "k"), compute)
    second = shared_result(tmp_path, 3, ("analysis", "k"), compute)
    assert first == second == {"share": 0.25, "ids": ("a1", "a2")}
    assert len(calls) == 1
    shared_result(tmp_path, 3, ("analysis", "other options"), compute)
    assert len(calls) == 2  # another key is another result


def _worker(folder: str, log: str) -> None:
    def compute():
        with open(log, "a") as handle:
            handle.write("computed\n")
        return list(range(1000))

    value = shared_result(Path(folder), 7, ("analysis",), compute)
    assert value == list(range(1000))


def test_processes_asking_at_once_compute_once(tmp_path):
    log = tmp_path / "log.txt"
    folder = tmp_path / "analyses"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_worker, args=(str(folder), str(log))) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert log.read_text().splitlines() == ["computed"]


def test_a_file_that_cannot_be_read_is_computed_again(tmp_path):
    shared_result(tmp_path, 1, ("k",), lambda: "first")
    (written,) = tmp_path.glob("g1-*.pickle")
    written.write_bytes(b"not a pickle")
    assert shared_result(tmp_path, 1, ("k",), lambda: "again") == "again"
    assert pickle.loads(written.read_bytes()) == "again"


def test_a_newer_state_sweeps_the_older_files(tmp_path):
    shared_result(tmp_path, 1, ("k",), lambda: "old")
    shared_result(tmp_path, 2, ("k",), lambda: "new")
    names = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.pickle"))
    assert names == ["g2"]
    assert not list(tmp_path.glob("g1-*"))
