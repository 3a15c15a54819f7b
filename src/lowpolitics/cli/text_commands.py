"""``lowpolitics classify``, ``train`` and ``evaluate``: the text pipeline from the shell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from lowpolitics.cli.output import out, print_json, print_table, progress_factory
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ClusterError, ConfigError
from lowpolitics.text.gold import GoldText, read_jsonl

BATCH = 64


def _classify(texts: list, fast: bool, model_file: Path | None, codebook) -> list[dict]:
    from lowpolitics.text.model import load_model
    from lowpolitics.text.pipeline import Classifier  # loads stemmers and models: only here

    classifier = Classifier(None if fast else load_model(model_file), fast=fast, codebook=codebook)
    progress, start = progress_factory("classifying")
    results: list[dict] = []
    with progress:
        tick = start(len(texts))
        for i in range(0, len(texts), BATCH):
            chunk = texts[i : i + BATCH]
            results += classifier.classify_many(chunk)
            for _ in chunk:
                tick()
    return results


def classify_command(
    ctx: typer.Context,
    in_file: Path = typer.Option(..., "--in", help="JSON lines: {id, text[, lang, date]}"),
    out_file: Path = typer.Option(
        ..., "--out", help="JSON lines with the decisions (FILE.parquet: a Parquet file)"
    ),
    fast: bool = typer.Option(False, "--fast", help="lexicon only (no embeddings, no model)"),
    model: Path | None = typer.Option(None, "--model", help="a model file from 'train'"),
    status_threshold: float | None = typer.Option(
        None, "--status-threshold", help="least model probability to name a status without a cue"
    ),
    batch: int | None = typer.Option(None, "--batch", help="texts classified and written together"),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, envvar="LOWPOLITICS_JOBS", help="processes classifying at once"
    ),
    cluster: str | None = typer.Option(
        None,
        "--cluster",
        envvar="LOWPOLITICS_CLUSTER",
        help="classify on Dask: local:N starts N worker processes; tcp://HOST:PORT uses a "
        "running scheduler (see docs/cluster.md)",
    ),
) -> None:
    """Language, mechanism, frame, status, date and places of each text, with the evidence.

    Streams: reads a batch, writes its lines, goes on — memory stays flat and an interrupted
    run keeps every line written so far. With --jobs N, N processes classify batches at once;
    with --cluster, the workers of a Dask cluster do. Either way the output is the same, in
    the same order."""
    from lowpolitics.text.gold import iter_inputs
    from lowpolitics.text.model import load_model
    from lowpolitics.text.options import TextOptions
    from lowpolitics.text.pipeline import TextInput
    from lowpolitics.text.results import result_writer

    if cluster and jobs > 1:
        raise ConfigError(
            "--cluster and --jobs both given: the cluster's workers are the processes; drop "
            "--jobs (or unset LOWPOLITICS_JOBS)"
        )
    options = TextOptions.from_env(status_threshold=status_threshold, batch=batch)
    loaded = None if fast else load_model(model)
    inputs = (TextInput(*row) for row in iter_inputs(in_file))
    count = 0
    # the cluster is reached before the output is opened: a wrong address leaves it untouched
    with (
        _batches(ctx, inputs, loaded, fast, options, jobs, cluster) as batches,
        result_writer(out_file) as writer,
    ):
        try:
            for rows in batches:
                writer.write(rows)
                count += len(rows)
        except ClusterError as exc:
            raise ClusterError(
                f"{exc}. The {count} results before them are written to {out_file} and kept"
            ) from exc
    out().print(f"classified {count} texts → {out_file}", highlight=False)


@contextmanager
def _batches(ctx, inputs, model, fast, options, jobs, cluster) -> Iterator[Iterator[list[dict]]]:
    """Batches of results, in input order, from one process, forked ones or a cluster."""
    if cluster:
        from lowpolitics.text.cluster import (  # dask: only when a cluster is asked for
            ClassifierRecipe,
            classify_on_cluster,
            cluster_client,
        )

        recipe = ClassifierRecipe(model, fast, ctx.obj.codebook, options)
        with cluster_client(cluster) as client:
            batches = classify_on_cluster(client, recipe, inputs, options.batch)
            try:
                yield batches
            finally:
                batches.close()  # cancels what is still out before the client goes
        return
    from lowpolitics.text.parallel import classify_batches
    from lowpolitics.text.pipeline import Classifier

    classifier = Classifier(model, fast=fast, codebook=ctx.obj.codebook, options=options)
    yield classify_batches(classifier, inputs, options.batch, jobs)


def _gold(ctx: typer.Context, files: list[Path], require: bool) -> list[GoldText]:
    from lowpolitics.text.corpus import corpus_files

    state: State = ctx.obj
    codebook = state.codebook
    files = files or corpus_files()
    if not files:
        raise ConfigError("no gold file given and no development corpus installed")
    texts: list[GoldText] = []
    for path in files:
        texts += read_jsonl(
            path,
            require_labels=require,
            mechanisms=(*codebook.classifier_mechanisms, "none"),
            frames=codebook.frame_codes,
            statuses=(*codebook.status_codes, "n/a"),
        )
    return texts


def train_command(
    ctx: typer.Context,
    gold: list[Path] = typer.Option(
        [], "--gold", help="labelled JSON lines (repeatable); default: the development corpus"
    ),
    from_db: bool = typer.Option(
        False, "--from-db", help="add the sentences people coded in the app (see --db)"
    ),
    model_out: Path = typer.Option(
        Path("lowpolitics-model.json"), "--out", help="where to write the model"
    ),
) -> None:
    """Train the classifier on labelled texts; print cross-validated macro-F1.

    With --from-db the sentences people coded with a mechanism, context kind or frame in the
    app train it too (a machine's codings never do); the model file's card says how many."""
    from lowpolitics.text.model import fingerprint
    from lowpolitics.text.training import FOLDS, train

    texts = _gold(ctx, gold, require=True)
    files = gold or []
    sources = {
        ("files " + ",".join(p.name for p in files)) if files else "development corpus": len(texts)
    }
    trained_on = ",".join(fingerprint(p) for p in files) if files else "development corpus"
    if from_db:
        from lowpolitics.store.db import require_schema, session_scope
        from lowpolitics.store.training_examples import human_examples

        state: State = ctx.obj
        require_schema(state.engine)
        with session_scope(state.engine) as session:
            coded = human_examples(session, state.codebook)
        if not coded:
            raise ConfigError(
                "--from-db: no sentence in the database is coded by a person with a mechanism, "
                "context kind or frame"
            )
        texts += coded
        sources["database: people's codings"] = len(coded)
        trained_on += f"+database ({len(coded)} coded sentences)"
    progress, start = progress_factory("cross-validating")
    with progress:
        tick = start(FOLDS)
        model = train(texts, ctx.obj.codebook, trained_on, tick, sources=sources)
    model.save(model_out)
    render_scores(model.cv["macro_f1"], f"cross-validated macro-F1 ({FOLDS} folds)")
    shown = ", ".join(f"{name}: {n}" for name, n in sources.items())
    out().print(f"model written to {model_out} ({len(texts)} texts — {shown})", highlight=False)


def render_scores(summary: dict[str, dict[str, float]], title: str) -> None:
    langs = sorted({lang for scores in summary.values() for lang in scores} - {"all"})
    print_table(
        title,
        ["task", "all", *langs],
        (
            [task, scores.get("all"), *(scores.get(lang, "") for lang in langs)]
            for task, scores in summary.items()
        ),
    )


def evaluate_command(
    ctx: typer.Context,
    gold: list[Path] = typer.Option([], "--gold", help="labelled JSON lines (repeatable)"),
    benchmark: bool = typer.Option(
        False, "--benchmark", help="the shipped benchmark of real news (never trained on)"
    ),
    fast: bool = typer.Option(False, "--fast", help="evaluate the lexicon-only classifier"),
    model: Path | None = typer.Option(None, "--model", help="a model file from 'train'"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Accuracy, macro-F1, support and confusion per task by gold language; language, date and
    place scores. The classifier identifies each text's language itself."""
    if fmt not in ("table", "json"):
        raise ConfigError(f"--format '{fmt}': use table or json")
    from lowpolitics.text.evaluation import evaluate
    from lowpolitics.text.pipeline import TextInput

    if benchmark:
        from lowpolitics.text.corpus import benchmark_files

        gold = [*gold, *benchmark_files()]
    if not gold:
        raise ConfigError("give --gold FILE (repeatable) or --benchmark")
    texts = _gold(ctx, gold, require=False)
    # the gold language is what is being tested, never an input; the document's own date is
    results = _classify(
        [TextInput(t.id, t.text, None, t.doc_date) for t in texts], fast, model, ctx.obj.codebook
    )
    report = evaluate(texts, results)
    if fmt == "json":
        print_json(report.as_dict())
        return
    langs = [lang for lang in report.tasks.get("mechanism", {}) if lang != "all"]
    columns = ["all", *sorted(langs)]
    rows = []
    for task, scores in report.tasks.items():
        for measure in ("macro_f1", "accuracy", "n"):
            rows.append([task, measure, *((scores.get(c) or {}).get(measure, "") for c in columns)])
    for name, table in (
        ("dates", report.dates),
        ("places", report.places),
        ("places (region level)", report.places_region),
    ):
        for measure in ("precision", "recall"):
            rows.append(
                [
                    name,
                    measure,
                    *(getattr(table[c], measure) if c in table else "" for c in columns),
                ]
            )
    if report.language:
        rows.append(["language", "accuracy", report.language["accuracy"], *[""] * len(langs)])
    print_table("scores by gold language", ["task", "measure", *columns], rows)
    for task, scores in report.tasks.items():
        whole = scores["all"]
        print_table(
            f"{task}: confusion (rows gold, columns predicted)",
            ["gold \\ predicted", *whole["labels"]],
            ([label, *row] for label, row in zip(whole["labels"], whole["confusion"], strict=True)),
        )
    if report.language:
        whole = report.language
        print_table(
            "language: confusion (rows gold, columns identified)",
            ["gold \\ identified", *whole["labels"]],
            ([label, *row] for label, row in zip(whole["labels"], whole["confusion"], strict=True)),
        )
