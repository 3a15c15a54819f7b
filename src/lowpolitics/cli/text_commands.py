"""``lowpolitics classify``, ``train`` and ``evaluate``: the text pipeline from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from lowpolitics.cli.output import out, print_json, print_table, progress_factory
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError
from lowpolitics.text.gold import GoldText, read_jsonl
from lowpolitics.text.metrics import classification_report
from lowpolitics.text.model import fingerprint, load_model

BATCH = 64


def _classify(texts: list, fast: bool, model_file: Path | None, codebook) -> list[dict]:
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
    out_file: Path = typer.Option(..., "--out", help="JSON lines with the decisions"),
    fast: bool = typer.Option(False, "--fast", help="lexicon only (no embeddings, no model)"),
    model: Path | None = typer.Option(None, "--model", help="a model file from 'train'"),
) -> None:
    """Language, mechanism, frame, status, date and places of each text, with the evidence."""
    from lowpolitics.text.pipeline import TextInput

    items = read_jsonl(in_file)
    texts = [TextInput(t.id, t.text, t.lang, t.date) for t in items]
    results = _classify(texts, fast, model, ctx.obj.codebook)
    with out_file.open("w", encoding="utf-8") as handle:
        for row in results:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    out().print(f"classified {len(results)} texts → {out_file}", highlight=False)


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
    model_out: Path = typer.Option(
        Path("lowpolitics-model.json"), "--out", help="where to write the model"
    ),
) -> None:
    """Train the classifier on labelled texts; print cross-validated macro-F1."""
    from lowpolitics.text.training import FOLDS, train

    texts = _gold(ctx, gold, require=True)
    files = gold or []
    trained_on = ",".join(fingerprint(p) for p in files) if files else "development corpus"
    progress, start = progress_factory("cross-validating")
    with progress:
        tick = start(FOLDS)
        model = train(texts, ctx.obj.codebook, trained_on, tick)
    model.save(model_out)
    render_scores(model.cv["macro_f1"], f"cross-validated macro-F1 ({FOLDS} folds)")
    out().print(f"model written to {model_out} ({len(texts)} texts)", highlight=False)


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
    gold: list[Path] = typer.Option(..., "--gold", help="labelled JSON lines (repeatable)"),
    fast: bool = typer.Option(False, "--fast", help="evaluate the lexicon-only classifier"),
    model: Path | None = typer.Option(None, "--model", help="a model file from 'train'"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Precision, recall, F1, macro-F1 and confusion matrices, by task and language."""
    if fmt not in ("table", "json"):
        raise ConfigError(f"--format '{fmt}': use table or json")
    from lowpolitics.text.pipeline import TextInput

    texts = _gold(ctx, gold, require=False)
    results = _classify(
        [TextInput(t.id, t.text, t.lang, t.date) for t in texts], fast, model, ctx.obj.codebook
    )
    report: dict = {}
    for task in ("mechanism", "frame", "status"):
        pairs = [
            (getattr(t, task), r[task])
            for t, r in zip(texts, results, strict=True)
            if getattr(t, task) is not None
        ]
        if not pairs:
            continue
        langs = [
            r["lang"] for t, r in zip(texts, results, strict=True) if getattr(t, task) is not None
        ]
        report[task] = {"all": classification_report([g for g, _ in pairs], [p for _, p in pairs])}
        for lang in sorted(set(langs)):
            idx = [i for i, value in enumerate(langs) if value == lang]
            report[task][lang] = classification_report(
                [pairs[i][0] for i in idx], [pairs[i][1] for i in idx]
            )
    gold_langs = [t.lang for t in texts if t.lang]
    if gold_langs:
        predicted = [r["lang"] for t, r in zip(texts, results, strict=True) if t.lang]
        report["language"] = {"all": classification_report(gold_langs, predicted)}
    if fmt == "json":
        print_json(report)
        return
    render_scores(
        {
            task: {lang: r["macro_f1"] for lang, r in scores.items()}
            for task, scores in report.items()
        },
        "macro-F1 by task and language",
    )
    for task, scores in report.items():
        whole = scores["all"]
        print_table(
            f"{task}: confusion (rows gold, columns predicted)",
            ["gold \\ predicted", *whole["labels"]],
            ([label, *row] for label, row in zip(whole["labels"], whole["confusion"], strict=True)),
        )
