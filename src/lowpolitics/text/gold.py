"""Reading labelled texts (JSON lines) for training and evaluation, with line-numbered errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lowpolitics.framework.errors import CellError, InputError

LANGS = ("ru", "ky", "tg", "en", "uz", "other")


@dataclass(frozen=True)
class GoldText:
    id: str
    text: str
    lang: str | None
    mechanism: str | None
    frame: str | None
    status: str | None
    date: str | None
    line: int
    group: str | None = None  # texts paraphrasing one fact share a group (kept in one CV fold)
    places: tuple[str, ...] | None = None  # gazetteer English names; None when not labelled
    doc_date: str | None = None  # the document's own date (a dateline), for year-less dates


def iter_inputs(path: Path | str) -> Iterator[tuple[str, str, str | None, str | None]]:
    """``(id, text, lang, date)`` of each line of a JSON-lines file, read one line at a time so
    memory stays flat whatever the file's size. A bad line stops the reading with its file and
    line number (what came before it has been yielded)."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            [CellError(str(path), None, None, None, "a readable UTF-8 file")],
            message=f"{path}: cannot read the file",
        ) from exc
    with handle:
        number = 0
        while True:
            try:
                line = handle.readline()
            except UnicodeDecodeError as exc:
                raise InputError(
                    [CellError(path.name, number + 1, None, None, "UTF-8 text")]
                ) from exc
            if not line:
                return
            number += 1
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    [CellError(path.name, number, None, line[:40], f"a JSON object ({exc.msg})")]
                ) from exc
            if not isinstance(item, dict):
                raise InputError([CellError(path.name, number, None, line[:40], "a JSON object")])
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InputError([CellError(path.name, number, "text", None, "a non-empty string")])
            lang, date = item.get("lang"), item.get("date")
            yield str(item.get("id", number)), text, lang, date if isinstance(date, str) else None


def read_jsonl(
    path: Path | str, *, require_labels: bool = False, mechanisms=(), frames=(), statuses=()
) -> list[GoldText]:
    """Every line an object with ``id`` and ``text``; labels checked against the vocabularies."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            [CellError(str(path), None, None, None, "a readable UTF-8 file")],
            message=f"{path}: cannot read the file",
        ) from exc
    errors: list[CellError] = []
    out: list[GoldText] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(
                CellError(path.name, number, None, line[:40], f"a JSON object ({exc.msg})")
            )
            continue
        if not isinstance(item, dict):
            errors.append(CellError(path.name, number, None, line[:40], "a JSON object"))
            continue
        text, key = item.get("text"), str(item.get("id", number))
        if not isinstance(text, str) or not text.strip():
            errors.append(CellError(path.name, number, "text", None, "a non-empty string"))
        if key in seen:
            errors.append(CellError(path.name, number, "id", key, "a unique id"))
        seen.add(key)
        checks = (
            ("mechanism", mechanisms),
            ("frame", frames),
            ("status", statuses),
            ("lang", LANGS),
        )
        for field, allowed in checks:
            value = item.get(field)
            if value is None:
                if require_labels and field in ("mechanism", "frame"):
                    errors.append(
                        CellError(path.name, number, field, None, "a label (required for training)")
                    )
            elif allowed and value not in allowed:
                errors.append(
                    CellError(path.name, number, field, str(value), "one of " + ", ".join(allowed))
                )
        out.append(
            GoldText(
                key,
                text or "",
                item.get("lang"),
                item.get("mechanism"),
                item.get("frame"),
                item.get("status"),
                item.get("date"),
                number,
                item.get("fact"),
                tuple(item["places"]) if isinstance(item.get("places"), list) else None,
                item.get("doc_date"),
            )
        )
    if errors:
        raise InputError(errors)
    return out
