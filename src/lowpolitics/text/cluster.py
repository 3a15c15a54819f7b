"""Classifying a stream of texts on a Dask cluster, in input order, with memory bounded.

``--jobs`` forks workers on one machine; a cluster spreads the same batches over the worker
processes of a Dask scheduler — ``local:N`` starts N worker processes here (and stops them
afterwards), ``tcp://HOST:PORT`` uses a scheduler someone started (``dask scheduler``), with
workers on as many machines as they joined from.

What travels: once per run, a :class:`ClassifierRecipe` — the trained model (or none for
``--fast``), the codebook and the options, about 160 kB pickled — installed on every worker
as a worker plugin, which builds the :class:`~lowpolitics.text.pipeline.Classifier` there once
and keeps it for every batch of the run (a worker that joins later builds its own when the
scheduler hands it the plugin). Then each batch of texts goes out and its result lines come
back. Stemmers, language identification and the gazetteer are loaded on the worker from its
own installed lowpolitics, which must be the same version as the client's (checked).

The client keeps at most ``in_flight`` batches submitted (twice the workers' threads by
default), gives earlier batches priority, and yields each batch's results in input order, so
the output is the same, line for line, as one process writes, and neither the input nor the
output is ever held whole. A failure — a worker killed, a worker unable to build the
classifier, the scheduler gone — raises :class:`ClusterError` saying which texts were lost;
everything yielded before it stands.

This module imports ``distributed`` at the top: only the commands that use a cluster import it.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from itertools import islice

import dask
from distributed import Client, LocalCluster, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from lowpolitics import __version__
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ClusterError, ConfigError, LowpoliticsError
from lowpolitics.text.model import Model
from lowpolitics.text.options import TextOptions
from lowpolitics.text.pipeline import Classifier, TextInput

_LOCAL = re.compile(r"local:(\d+)")
_REMOTE = re.compile(r"tcp://[^\s/:]+:\d{1,5}")
CONNECT_TIMEOUT = 10  # seconds to reach a scheduler
WORKERS_TIMEOUT = 30  # seconds to wait for a scheduler's first worker
PLUGIN_PREFIX = "lowpolitics-classifier-"
# Dask's statistical profiler samples every thread's stack each 10 ms: on deep pure-Python
# work it cost local workers 10–30 % more CPU per text than one process (docs/cluster.md)
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


@dataclass(frozen=True)
class ClusterTarget:
    """Where to classify: ``workers`` local processes to start, or a scheduler's address."""

    workers: int = 0
    address: str | None = None

    @property
    def local(self) -> bool:
        return self.address is None


def parse_cluster(spec: str) -> ClusterTarget:
    """``local:N`` or ``tcp://HOST:PORT``; anything else is a :class:`ConfigError`."""
    spec = spec.strip()
    if match := _LOCAL.fullmatch(spec):
        workers = int(match.group(1))
        if workers < 1:
            raise ConfigError(f"--cluster {spec}: local needs at least one worker (local:2)")
        return ClusterTarget(workers=workers)
    if _REMOTE.fullmatch(spec):
        return ClusterTarget(address=spec)
    raise ConfigError(
        f"--cluster '{spec}': use local:N (start N worker processes here) or tcp://HOST:PORT "
        "(the address a running 'dask scheduler' printed)"
    )


@contextmanager
def cluster_client(
    spec: str, *, connect_timeout: float | None = None, wait: float | None = None
) -> Iterator[Client]:
    """A client on the cluster ``spec`` names. ``local:N`` starts a LocalCluster of N
    single-threaded worker processes and closes it on the way out; ``tcp://`` connects to a
    scheduler that is already running — it never starts one, and leaving only closes the
    client — and waits up to ``wait`` seconds for it to have a worker."""
    target = parse_cluster(spec)
    connect_timeout = CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
    wait = WORKERS_TIMEOUT if wait is None else wait
    if target.local:
        try:  # one thread a process: classifying is pure Python, threads would share the GIL
            with dask.config.set(WORKER_CONFIG):
                cluster = LocalCluster(
                    n_workers=target.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
        except Exception as exc:
            raise ClusterError(
                f"--cluster {spec}: the worker processes did not start ({type(exc).__name__}: "
                f"{exc}); a script of your own must start them under "
                "'if __name__ == \"__main__\":'"
            ) from exc
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(target.address, timeout=connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"--cluster {target.address}: no Dask scheduler answers there ({exc}); start one "
            "with 'dask scheduler' and give the address it prints"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=wait)
        except TimeoutError:
            raise ClusterError(
                f"the scheduler at {target.address} has no workers after {wait:.0f} s; start "
                f"them with 'dask worker {target.address} --nthreads 1'"
            ) from None
        yield client


@dataclass(frozen=True)
class ClassifierRecipe:
    """Everything a worker needs to build the same classifier as this process would."""

    model: Model | None
    fast: bool
    codebook: Codebook
    options: TextOptions

    def build(self) -> Classifier:
        return Classifier(
            None if self.fast else self.model,
            fast=self.fast,
            codebook=self.codebook,
            options=self.options,
        )


class ClassifierPlugin(WorkerPlugin):
    """Builds the classifier on a worker once, when the worker receives the plugin; removed
    (and the classifier freed) when the run ends."""

    def __init__(self, recipe: ClassifierRecipe, version: str = __version__):
        self.recipe = recipe
        self.version = version
        self.classifier: Classifier | None = None
        self.builds = 0  # how many times this worker built it (tests read it: once)
        # a worker with several threads runs one batch at a time: the classifier's caches are
        # not written for concurrent use, and pure-Python work gains nothing from threads
        self.lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"recipe": self.recipe, "version": self.version}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["recipe"], state["version"])

    def setup(self, worker) -> None:
        self.get()

    def get(self) -> Classifier:
        # checked for every batch, not only in setup: a worker joining during the run only
        # logs a failed setup, and batches would still be sent to it
        if self.version != __version__:
            raise RuntimeError(
                f"this worker has lowpolitics {__version__}, the client {self.version}: "
                "install the same version on every worker"
            )
        with self.lock:
            if self.classifier is None:
                self.classifier = self.recipe.build()
                self.builds += 1
            return self.classifier

    def teardown(self, worker) -> None:
        self.classifier = None

    def classify(self, batch: list[TextInput]) -> list[dict]:
        classifier = self.get()
        with self.lock:
            return classifier.classify_many(batch)


def _classify_on_worker(plugin_name: str, batch: list[TextInput]) -> list[dict]:
    """The task: runs on a worker, with the classifier its plugin built."""
    worker = get_worker()
    plugin = worker.plugins.get(plugin_name)
    if not isinstance(plugin, ClassifierPlugin):
        raise RuntimeError(f"worker {worker.address} has no classifier for this run")
    return plugin.classify(batch)


def install(client: Client, recipe: ClassifierRecipe) -> str:
    """Install the recipe's plugin on every worker (each builds its classifier); its name.

    The name is new for each run: two runs sharing a cluster each have their own, and the
    end of one never removes the other's classifier."""
    name = f"{PLUGIN_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        client.register_plugin(ClassifierPlugin(recipe), name=name)
    except Exception as exc:  # whatever a worker raised while unpickling or building
        with suppress(Exception):  # else workers joining later would still receive it
            client.unregister_worker_plugin(name)
        raise ClusterError(
            f"the workers could not build the classifier ({type(exc).__name__}: {exc}); "
            f"every worker needs lowpolitics {__version__} installed"
        ) from exc
    return name


def classify_on_cluster(
    client: Client,
    recipe: ClassifierRecipe,
    inputs: Iterable[TextInput],
    batch: int,
    in_flight: int | None = None,
) -> Iterator[list[dict]]:
    """Results batch by batch, in input order, classified on the cluster's workers.

    At most ``in_flight`` batches are out at once (default: twice the workers' threads), so
    the input is read only as fast as the cluster classifies. A bad input line stops the
    reading, but the batches already sent are still yielded before its error is raised —
    as one process would have written them. A failed batch raises :class:`ClusterError`."""
    name = install(client, recipe)
    limit = in_flight or max(2, 2 * sum(client.nthreads().values()))
    source = iter(inputs)
    pending: deque = deque()  # (future, first text number, last text number)
    sent = batches = 0
    stopped: LowpoliticsError | None = None
    try:
        while True:
            while stopped is None and len(pending) < limit:
                try:
                    chunk = list(islice(source, batch))
                except LowpoliticsError as exc:  # a bad line: finish what was sent, then say so
                    stopped = exc
                    break
                if not chunk:
                    break
                # earlier batches first: the output waits for them
                future = client.submit(
                    _classify_on_worker, name, chunk, pure=False, priority=-batches
                )
                pending.append((future, sent + 1, sent + len(chunk)))
                sent += len(chunk)
                batches += 1
            if not pending:
                break
            future, first, last = pending.popleft()
            try:
                rows = future.result()
            except Exception as exc:
                raise ClusterError(_failure(exc, first, last)) from exc
            future.release()
            yield rows
        if stopped is not None:
            raise stopped
    finally:
        # the scheduler may be gone (or the client closed): then there is nothing left to free
        with suppress(Exception):
            if pending:
                client.cancel([future for future, _, _ in pending])
        with suppress(Exception):
            client.unregister_worker_plugin(name)


def _failure(exc: Exception, first: int, last: int) -> str:
    from distributed import KilledWorker

    texts = f"texts {first}–{last}" if last > first else f"text {first}"
    if isinstance(exc, KilledWorker):
        why = "the worker classifying them died (out of memory, or stopped); see its log"
    else:
        why = f"{type(exc).__name__}: {exc}"
    return f"the cluster failed on {texts} of the input: {why}"
