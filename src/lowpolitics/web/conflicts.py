"""A form saved over a newer version: what the other person changed, field by field.

When two people edit one record, the second save is refused (its version is stale). Showing
the second person only "someone else saved" leaves two bad ways out: save again and wipe the
other's change without seeing it, or reload and lose one's own. So the form shows, on each
field the other person changed, both values — yours and the one stored now, with who stored
it and when (from the audit trail) — and asks which to keep. Nothing is kept silently: the
next save is refused again until every such field has an answer.

The form carries the question back: ``base_version`` (the version first edited, so the same
changes can be listed again), ``conflict_fields`` and one ``keep__FIELD`` (``mine`` or
``stored``) per field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lowpolitics.store.audit import FieldChange

KEEP = "keep__"
CHOICES = ("mine", "stored")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def same(a: object, b: object) -> bool:
    """Equal as a form shows them: None is empty, and ';'-separated lists in any order."""
    left, right = _text(a), _text(b)
    if left == right:
        return True
    if ";" in left or ";" in right:
        parts = sorted(p.strip() for p in left.split(";") if p.strip())
        return parts == sorted(p.strip() for p in right.split(";") if p.strip())
    return False


@dataclass(frozen=True)
class FieldConflict:
    """One field both people may have meant to set: your value, the stored one, and who
    stored it (None when the audit trail cannot tell)."""

    field: str
    mine: str
    stored: str
    actor: str | None = None
    at: str | None = None  # ISO timestamp (UTC)
    you_changed: bool | None = None  # did your form change it from the version you read?


def field_conflicts(
    columns: Iterable[str],
    mine: Mapping[str, str],
    stored: Mapping[str, str],
    changes: Mapping[str, FieldChange],
) -> dict[str, FieldConflict]:
    """The fields of the form that someone else changed since you read the record and that
    now differ from your value. Without an audit record of the changes every differing field
    is listed, as there is no telling whose change it was."""
    found: dict[str, FieldConflict] = {}
    for name in columns:
        change = changes.get(name)
        if changes and change is None:
            continue  # they did not touch it: your value stands, as on any save
        if same(mine.get(name), stored.get(name)):
            continue  # you both arrived at the same value
        found[name] = FieldConflict(
            field=name,
            mine=_text(mine.get(name)),
            stored=_text(stored.get(name)),
            actor=change.actor if change else None,
            at=change.at.isoformat() if change and change.at else None,
            you_changed=None if change is None else not same(mine.get(name), change.before),
        )
    return found


@dataclass
class Resolution:
    """What a form sent back about a conflict it was shown."""

    base_version: int | None = None
    asked: list[str] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)
    missing: bool = False  # the form was sent back with some of its questions unanswered

    @property
    def unanswered(self) -> list[str]:
        return [name for name in self.asked if name not in self.choices]


def resolution_fields(columns: Iterable[str]) -> tuple[str, ...]:
    """The form fields that carry a resolution, to read with the record's own columns."""
    return ("base_version", "conflict_fields", *(KEEP + c for c in columns))


def read_resolution(values: dict[str, str], columns: Iterable[str]) -> Resolution:
    """Take the resolution's fields out of the form ``values`` (they are not the record's)."""
    raw = values.pop("base_version", "")
    asked = [n for n in values.pop("conflict_fields", "").split(",") if n]
    choices = {}
    for name in columns:
        choice = values.pop(KEEP + name, "")
        if choice in CHOICES:
            choices[name] = choice
    return Resolution(int(raw) if raw.isdigit() else None, asked, choices)


def apply_choices(
    values: dict[str, str], choices: Mapping[str, str], stored: Mapping[str, str]
) -> dict[str, str]:
    """The values to save: yours, except where you chose the stored one."""
    kept = dict(values)
    for name, choice in choices.items():
        if choice == "stored":
            kept[name] = _text(stored.get(name))
    return kept
