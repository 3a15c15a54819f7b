"""Classifying on a Dask cluster: the same lines in the same order as one process, one
classifier per worker, bounded streaming, clear failures — in the library and through
``classify --cluster``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from lowpolitics.framework.codebook import load_codebook  # noqa: E402
from lowpolitics.framework.errors import ClusterError, ConfigError, InputError  # noqa: E402
from lowpolitics.text.cluster import (  # noqa: E402
    PLUGIN_PREFIX,
    ClassifierPlugin,
    ClassifierRecipe,
    classify_on_cluster,
    cluster_client,
    parse_cluster,
)
from lowpolitics.text.corpus import corpus_files  # noqa: E402
from lowpolitics.text.gold import iter_inputs, read_jsonl  # noqa: E402
from lowpolitics.text.model import load_model  # noqa: E402
from lowpolitics.text.options import TextOptions  # noqa: E402
from lowpolitics.text.parallel import classify_batches  # noqa: E402
from lowpolitics.text.pipeline import TextInput  # noqa: E402


@pytest.fixture(scope="module")
def dask_cluster():
    """Two single-threaded worker processes, as ``--cluster local:2`` starts them."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster


@pytest.fixture
def client(dask_cluster):
    with Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


def corpus_texts(n: int) -> list[TextInput]:
    """Real texts of every language, in the corpus's order (no language given: it is read)."""
    texts = [t for path in corpus_files() for t in read_jsonl(path)]
    step = max(1, len(texts) // n)
    return [TextInput(t.id, t.text, None, t.doc_date) for t in texts[::step][:n]]


def write_inputs(path: Path, texts: list[TextInput]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for t in texts:
            row = {"id": t.id, "text": t.text, **({"date": t.date} if t.date else {})}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def classifiers(worker) -> list:
    """The classifier plugins a worker holds (run on the worker)."""
    return [p for name, p in worker.plugins.items() if name.startswith(PLUGIN_PREFIX)]


def fast_recipe(batch: int = 3) -> ClassifierRecipe:
    return ClassifierRecipe(None, True, load_codebook(), TextOptions(batch=batch))


# --- the library ---------------------------------------------------------------------------


def test_cluster_gives_the_lines_of_one_process_in_order_with_one_classifier_per_worker(client):
    texts = corpus_texts(40)
    recipe = fast_recipe()
    alone = [row for rows in classify_batches(recipe.build(), texts, 3) for row in rows]
    batches = classify_on_cluster(client, recipe, iter(texts), 3, in_flight=3)
    rows = []
    for _ in range(len(texts) // 3):  # every batch but the last: the run is still open
        rows += next(batches)
    builds = client.run(lambda dask_worker: [p.builds for p in classifiers(dask_worker)])
    assert list(builds.values()) == [[1], [1]]  # built once on each worker, for all 14 batches
    rows += [row for rest in batches for row in rest]
    assert [json.dumps(r, ensure_ascii=False) for r in rows] == [
        json.dumps(r, ensure_ascii=False) for r in alone
    ]
    # the run's end frees the classifier on every worker
    assert list(client.run(lambda dask_worker: classifiers(dask_worker)).values()) == [[], []]


def test_local_workers_run_without_the_profiler():
    with cluster_client("local:1") as client:
        enabled = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert list(enabled.values()) == [False]


def test_full_classifier_on_the_cluster_equals_one_process(client):
    texts = corpus_texts(6)
    recipe = ClassifierRecipe(load_model(), False, load_codebook(), TextOptions(batch=2))
    alone = [row for rows in classify_batches(recipe.build(), texts, 2) for row in rows]
    on_cluster = [row for rows in classify_on_cluster(client, recipe, texts, 2) for row in rows]
    assert on_cluster == alone
    assert on_cluster[0]["frame_probability"] is not None  # the model ran on the workers


def test_a_bad_line_stops_the_run_after_the_batches_already_sent(client, tmp_path):
    texts = corpus_texts(12)
    source = write_inputs(tmp_path / "in.jsonl", texts)
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "x", "text": ""}\n')
    inputs = (TextInput(*row) for row in iter_inputs(source))
    got = []
    with pytest.raises(InputError) as raised:
        for rows in classify_on_cluster(client, fast_recipe(), inputs, 4, in_flight=8):
            got += [row["id"] for row in rows]
    assert raised.value.errors[0].line == 13
    assert got == [t.id for t in texts]  # every text before the bad line was yielded


def test_a_dead_worker_is_a_cluster_error_naming_the_lost_texts(monkeypatch):
    import dask

    import lowpolitics.text.cluster as cluster_module

    def poison(dask_worker, key):  # runs on the worker: batches holding "poison" end it
        plugin = dask_worker.plugins[key]
        classify = plugin.classify

        def dies(batch):
            if any(item.id == "poison" for item in batch):
                os._exit(1)
            return classify(batch)

        plugin.classify = dies

    def install_then_poison(client, recipe):
        name = install(client, recipe)
        client.run(poison, key=name)
        return name

    install = cluster_module.install
    monkeypatch.setattr(cluster_module, "install", install_then_poison)
    texts = corpus_texts(9)
    texts[7] = TextInput("poison", texts[7].text)  # in the third batch of three
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with cluster, Client(cluster) as client:
        got = []
        with pytest.raises(ClusterError, match="texts 7–9 of the input: the worker .* died"):
            for rows in classify_on_cluster(client, fast_recipe(), texts, 3, in_flight=1):
                got += [row["id"] for row in rows]
        assert got == [t.id for t in texts[:6]]


def test_workers_with_another_version_refuse_before_any_text_is_sent(client, monkeypatch):
    import lowpolitics.text.cluster as cluster_module

    monkeypatch.setattr(  # as if the client had another release than the workers
        cluster_module, "ClassifierPlugin", lambda recipe: ClassifierPlugin(recipe, "0.0.0")
    )
    with pytest.raises(ClusterError, match="could not build the classifier .*the client 0.0.0"):
        next(classify_on_cluster(client, fast_recipe(), corpus_texts(2), 2))
    assert list(client.run(lambda dask_worker: classifiers(dask_worker)).values()) == [[], []]


def test_cluster_addresses_are_checked():
    assert parse_cluster("local:3").workers == 3
    assert parse_cluster("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    for bad in ("local:0", "local", "spark://host:7077", "tcp://host", "8786"):
        with pytest.raises(ConfigError, match="--cluster"):
            parse_cluster(bad)


def test_no_scheduler_and_no_workers_are_clear_errors(unused_port):
    with (
        pytest.raises(ConfigError, match="no Dask scheduler answers .* 'dask scheduler'"),
        cluster_client(f"tcp://127.0.0.1:{unused_port}", connect_timeout=2),
    ):
        pass
    with LocalCluster(
        n_workers=0, processes=False, protocol="tcp", dashboard_address=":0"
    ) as empty:
        with (
            pytest.raises(ClusterError, match="no workers after 1 s; start them with 'dask worker"),
            cluster_client(empty.scheduler_address, wait=1),
        ):
            pass
        assert empty.scheduler.status.name == "running"  # a tcp:// run never stops it


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the command ---------------------------------------------------------------------------


def test_classify_cluster_local_writes_the_lines_of_one_process(cli, tmp_path):
    source = write_inputs(tmp_path / "in.jsonl", corpus_texts(20))
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert cli("classify", "--in", source, "--out", one, "--fast", "--batch", "3").code == 0
    result = cli(
        "classify", "--in", source, "--out", two, "--fast", "--batch", "3", "--cluster", "local:2"
    )
    assert result.code == 0, result
    assert "classified 20 texts" in result.out
    assert (
        two.read_text(encoding="utf-8").splitlines() == one.read_text(encoding="utf-8").splitlines()
    )


def test_classify_on_a_running_scheduler_to_parquet(cli, tmp_path, dask_cluster):
    import pyarrow.parquet as pq

    source = write_inputs(tmp_path / "in.jsonl", corpus_texts(12))
    lines, table = tmp_path / "one.jsonl", tmp_path / "out.parquet"
    assert cli("classify", "--in", source, "--out", lines, "--fast").code == 0
    address = dask_cluster.scheduler_address
    result = cli("classify", "--in", source, "--out", table, "--fast", "--cluster", address)
    assert result.code == 0, result
    expected = [json.loads(x) for x in lines.read_text(encoding="utf-8").splitlines()]
    rows = pq.read_table(table).to_pylist()
    for row in rows:  # Parquet has every struct field; JSON lines omit an empty read_as
        for item in row["evidence"]:
            if item["read_as"] is None:
                del item["read_as"]
    assert rows == expected
    with Client(address) as client:  # the cluster is left running, with its workers
        assert len(client.nthreads()) == 2


def test_classify_cluster_failure_keeps_what_was_written(cli, tmp_path, monkeypatch):
    import lowpolitics.text.cluster as cluster_module

    source = write_inputs(tmp_path / "in.jsonl", corpus_texts(8))

    @contextmanager
    def no_cluster(spec):
        yield None

    def fails_on_the_second_batch(client, recipe, inputs, batch):
        classifier = recipe.build()
        items = list(inputs)
        yield classifier.classify_many(items[:batch])
        raise ClusterError("the cluster failed on texts 5–8 of the input: the worker died")

    monkeypatch.setattr(cluster_module, "cluster_client", no_cluster)
    monkeypatch.setattr(cluster_module, "classify_on_cluster", fails_on_the_second_batch)
    target = tmp_path / "out.jsonl"
    result = cli(
        "classify",
        "--in",
        source,
        "--out",
        target,
        "--fast",
        "--batch",
        "4",
        "--cluster",
        "local:2",
    )
    assert result.code == 2
    assert "texts 5–8" in result.err and "The 4 results before them are written" in result.err
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4


def test_classify_cluster_option_errors_leave_the_output_alone(
    cli, tmp_path, unused_port, monkeypatch
):
    import lowpolitics.text.cluster as cluster_module

    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1)
    source = write_inputs(tmp_path / "in.jsonl", corpus_texts(2))
    target = tmp_path / "out.jsonl"
    target.write_text("earlier results\n", encoding="utf-8")
    for args, message in (
        (("--cluster", "local:2", "--jobs", "2"), "--cluster and --jobs"),
        (("--cluster", "yarn"), "use local:N"),
        (("--cluster", f"tcp://127.0.0.1:{unused_port}"), "no Dask scheduler answers"),
    ):
        result = cli("classify", "--in", source, "--out", target, "--fast", *args)
        assert result.code == 2 and message in result.err, result
        assert target.read_text(encoding="utf-8") == "earlier results\n"


def test_the_cli_imports_dask_only_for_a_cluster():
    code = (
        "import sys; from lowpolitics.cli.main import run; run(['--help']); "
        "run(['classify', '--help']); "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip().endswith("[]")
