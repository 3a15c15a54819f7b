"""The codebook: the framework's vocabularies as one versioned data file.

Mechanisms, context kinds, statuses (and which of them count as disrupted), frames, activity
types, actor types and groups, severity levels, and — once the text pipeline grows — the
lexicons. Code never hard-codes these lists; it asks the codebook. A user file with the same
shape extends the bundled one: an entry with a known code replaces it, a new code is added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lowpolitics.framework.errors import CodebookError

REQUIRED_LANGUAGES = ("en", "ru", "ky", "tg")

Localized = dict[str, str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Strict):
    """A code with its label and definition in each language."""

    code: str
    label: Localized
    definition: Localized = Field(default_factory=dict)
    colour: str | None = None  # "#RRGGBB" for charts; mechanisms use a colour-blind-safe set

    @field_validator("colour")
    @classmethod
    def _colour_is_hex(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise ValueError(f"colour {value!r} must be written #RRGGBB")
        return value

    @field_validator("code")
    @classmethod
    def _code_is_slug(cls, value: str) -> str:
        if not value or not value.replace("_", "").isalnum() or value != value.lower():
            raise ValueError(f"code {value!r} must be lower-case letters, digits and '_'")
        return value

    @field_validator("label")
    @classmethod
    def _label_has_english(cls, value: Localized) -> Localized:
        if not value.get("en"):
            raise ValueError("label needs at least an English ('en') text")
        return value

    def text(self, lang: str = "en") -> str:
        """The label in ``lang``, falling back to English where a translation is missing."""
        return self.label.get(lang) or self.label["en"]

    def describe(self, lang: str = "en") -> str:
        return self.definition.get(lang) or self.definition.get("en", "")


class Status(Entry):
    disrupted: bool = False
    # the status says the activity took place (held, signed …): its date is not in the future
    happened: bool = False


class ActivityType(Entry):
    family: str | None = None
    # a session of a standing body (commission, working group): continuity counts these
    body_session: bool = False
    # groups an activity of this type reaches by design (``youth``, ``women``): reach counts
    # it as having that component even when no participant numbers are reported
    reaches: list[str] = Field(default_factory=list)


class ActorType(Entry):
    group: str
    reaches: list[str] = Field(default_factory=list)  # as for activity types


class ActorRole(Entry):
    """What an actor did in an activity; ``took_part`` roles tie actors in the network."""

    took_part: bool = False


class RecordKind(Entry):
    """What a registry row is. Only kinds marked ``cooperative`` enter cooperation rates."""

    cooperative: bool = False


class ContactKind(Entry):
    """How the two sides met in a cooperative row. ``direct`` codes are those in which the two
    dealt with each other (bilateral, joint in a wider setting); the others record co-presence
    at a wider event or one side acting alone."""

    direct: bool = False


class ContextEventType(Entry):
    """A finer type of context event. ``confidence_building`` types are the steps from which
    restart lags are measured; ``ends_period_as`` names the alternative period definition
    (``ceasefire`` or ``restored_contact``) that an event of this type ends."""

    kind: str
    confidence_building: bool = False
    ends_period_as: str | None = None


class SeverityLevel(_Strict):
    code: int
    label: Localized
    definition: Localized = Field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return self.label.get(lang) or self.label["en"]


SECTIONS: dict[str, type[BaseModel]] = {
    "mechanisms": Entry,
    "context_kinds": Entry,
    "statuses": Status,
    "frames": Entry,
    "activity_types": ActivityType,
    "actor_groups": Entry,
    "actor_types": ActorType,
    "severity_levels": SeverityLevel,
    "record_kinds": RecordKind,
    "contacts": ContactKind,
    "context_event_types": ContextEventType,
    "actor_roles": Entry,
    "genres": Entry,
    "outlet_ownerships": Entry,
    "mention_kinds": Entry,
}


class Codebook(_Strict):
    """The validated framework. Build it with :func:`load_codebook`."""

    version: str
    languages: list[str]
    mechanisms: list[Entry]
    context_kinds: list[Entry]
    statuses: list[Status]
    frames: list[Entry]
    activity_types: list[ActivityType]
    actor_groups: list[Entry]
    actor_types: list[ActorType]
    severity_levels: list[SeverityLevel]
    record_kinds: list[RecordKind] = Field(default_factory=list)
    contacts: list[ContactKind] = Field(default_factory=list)
    context_event_types: list[ContextEventType] = Field(default_factory=list)
    actor_roles: list[ActorRole] = Field(default_factory=list)
    genres: list[Entry] = Field(default_factory=list)
    outlet_ownerships: list[Entry] = Field(default_factory=list)
    mention_kinds: list[Entry] = Field(default_factory=list)
    lexicon: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        for section in SECTIONS:
            codes = [e.code for e in getattr(self, section)]
            dupes = sorted({c for c in codes if codes.count(c) > 1}, key=str)
            if dupes:
                raise ValueError(f"{section}: duplicate codes {dupes}")
        families = set(self.mechanism_codes)
        for at in self.activity_types:
            if at.family is not None and at.family not in families:
                raise ValueError(
                    f"activity type {at.code!r}: family {at.family!r} is not a mechanism"
                )
        groups = {g.code for g in self.actor_groups}
        for actor_type in self.actor_types:
            if actor_type.group not in groups:
                raise ValueError(
                    f"actor type {actor_type.code!r}: group {actor_type.group!r} is unknown"
                )
        kinds = set(self.context_kind_codes)
        for event_type in self.context_event_types:
            if event_type.kind not in kinds:
                raise ValueError(
                    f"context event type {event_type.code!r}: kind {event_type.kind!r} is unknown"
                )
        if self.record_kinds and not any(k.cooperative for k in self.record_kinds):
            raise ValueError("record_kinds: at least one must be marked cooperative")
        if not any(s.disrupted for s in self.statuses):
            raise ValueError("statuses: at least one must be marked disrupted")
        return self

    # Vocabularies as sets/lists of codes, for validation and analysis.
    @property
    def mechanism_codes(self) -> list[str]:
        return [m.code for m in self.mechanisms]

    def colour(self, section: str, code: str) -> str | None:
        try:
            return self.entry(section, code).colour
        except KeyError:
            return None

    @property
    def context_kind_codes(self) -> list[str]:
        return [k.code for k in self.context_kinds]

    @property
    def classifier_mechanisms(self) -> list[str]:
        """What a text can be about: the four mechanisms and the context kinds."""
        return self.mechanism_codes + self.context_kind_codes

    @property
    def status_codes(self) -> list[str]:
        return [s.code for s in self.statuses]

    @property
    def disrupted_statuses(self) -> frozenset[str]:
        return frozenset(s.code for s in self.statuses if s.disrupted)

    @property
    def happened_statuses(self) -> frozenset[str]:
        """Statuses that report the activity as having taken place (held, signed, …)."""
        return frozenset(s.code for s in self.statuses if s.happened)

    @property
    def frame_codes(self) -> list[str]:
        return [f.code for f in self.frames]

    @property
    def genre_codes(self) -> list[str]:
        return [g.code for g in self.genres]

    @property
    def ownership_codes(self) -> list[str]:
        return [o.code for o in self.outlet_ownerships]

    @property
    def mention_kind_codes(self) -> list[str]:
        return [k.code for k in self.mention_kinds]

    @property
    def activity_type_codes(self) -> list[str]:
        return [a.code for a in self.activity_types]

    @property
    def body_session_types(self) -> frozenset[str]:
        return frozenset(a.code for a in self.activity_types if a.body_session)

    @property
    def record_kind_codes(self) -> list[str]:
        return [k.code for k in self.record_kinds]

    @property
    def cooperative_kinds(self) -> frozenset[str]:
        return frozenset(k.code for k in self.record_kinds if k.cooperative)

    @property
    def contact_codes(self) -> list[str]:
        return [c.code for c in self.contacts]

    @property
    def direct_contacts(self) -> frozenset[str]:
        """Contact codes in which the two sides dealt with each other."""
        return frozenset(c.code for c in self.contacts if c.direct)

    @property
    def actor_role_codes(self) -> list[str]:
        return [r.code for r in self.actor_roles]

    @property
    def took_part_roles(self) -> frozenset[str]:
        return frozenset(r.code for r in self.actor_roles if r.took_part)

    @property
    def context_event_type_codes(self) -> list[str]:
        return [t.code for t in self.context_event_types]

    def reaching(self, group: str) -> tuple[frozenset[str], frozenset[str]]:
        """Activity types and actor types that reach ``group`` (``youth``, ``women``)."""
        return (
            frozenset(t.code for t in self.activity_types if group in t.reaches),
            frozenset(t.code for t in self.actor_types if group in t.reaches),
        )

    @property
    def confidence_building_types(self) -> frozenset[str]:
        return frozenset(t.code for t in self.context_event_types if t.confidence_building)

    def period_ending_types(self, definition: str) -> frozenset[str]:
        """Event types that end a declared period under ``definition`` (e.g. ``ceasefire``)."""
        return frozenset(t.code for t in self.context_event_types if t.ends_period_as == definition)

    @property
    def actor_type_codes(self) -> list[str]:
        return [a.code for a in self.actor_types]

    @property
    def severity_codes(self) -> list[int]:
        return [s.code for s in self.severity_levels]

    def entry(self, section: str, code: str | int) -> Any:
        """The entry with ``code`` in ``section``; ``KeyError`` if there is none."""
        for item in getattr(self, section):
            if item.code == code:
                return item
        raise KeyError(f"{section}: no code {code!r}")

    def label(self, section: str, code: str | int, lang: str = "en") -> str:
        """A code's label in ``lang``; the bare code if the codebook does not know it."""
        try:
            return self.entry(section, code).text(lang)
        except KeyError:
            return str(code)

    def actor_group_of(self, actor_type: str | None) -> str | None:
        if actor_type is None:
            return None
        try:
            return self.entry("actor_types", actor_type).group
        except KeyError:
            return None


# libyaml's loader when PyYAML was built with it: the same documents, read about ten times
# faster (the bundled codebook and lexicon took 0.1 s of every command that codes a text)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, with the C loader when there is one."""
    return yaml.load(text, Loader=_SAFE_LOADER)


def _read_yaml(path: Path | str, text: str) -> dict[str, Any]:
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CodebookError(f"{path}{where}: not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise CodebookError(f"{path}: expected a mapping of sections at the top level")
    return data


def _merge(base: dict[str, Any], extension: dict[str, Any], path: str) -> dict[str, Any]:
    """Overlay a user file: same code replaces, new code appends, lexicon merges by key."""
    unknown = set(extension) - set(SECTIONS) - {"version", "languages", "lexicon"}
    if unknown:
        raise CodebookError(
            f"{path}: unknown section(s) {sorted(unknown)}; expected some of "
            f"{sorted(SECTIONS) + ['lexicon', 'version']}"
        )
    merged = dict(base)
    for section in SECTIONS:
        items = extension.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            raise CodebookError(f"{path}: section '{section}' must be a list of entries")
        entries = {item["code"]: item for item in base[section]}
        for item in items:
            if not isinstance(item, dict) or "code" not in item:
                raise CodebookError(f"{path}: every entry in '{section}' needs a 'code'")
            entries[item["code"]] = item
        merged[section] = list(entries.values())
    if "lexicon" in extension:
        merged["lexicon"] = merge_lexicon(base.get("lexicon") or {}, extension["lexicon"] or {})
    user_version = extension.get("version", "user")
    merged["version"] = f"{base['version']}+{user_version}"
    return merged


def merge_lexicon(base: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """A user's terms are added to the bundled ones, code by code and language by language."""
    codes = {
        code: {lang: list(terms) for lang, terms in langs.items()}
        for code, langs in (base.get("codes") or {}).items()
    }
    for code, langs in (extension.get("codes") or {}).items():
        for lang, terms in (langs or {}).items():
            known = codes.setdefault(code, {}).setdefault(lang, [])
            known.extend(t for t in terms or [] if t not in known)
    return {**base, **{k: v for k, v in extension.items() if k != "codes"}, "codes": codes}


def bundled_lexicon() -> dict[str, Any]:
    """The lexicons (terms per code and language) the text coder matches, from lexicon.yaml."""
    text = (
        resources.files("lowpolitics.framework")
        .joinpath("data/lexicon.yaml")
        .read_text(encoding="utf-8")
    )
    data = safe_load(text) or {}
    return data.get("lexicon", data)


def _validate(data: dict[str, Any], path: str) -> Codebook:
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise CodebookError(f"{path}: {loc}: {first['msg']}{more}") from exc


def bundled_codebook_text() -> str:
    return (
        resources.files("lowpolitics.framework")
        .joinpath("data/codebook.yaml")
        .read_text(encoding="utf-8")
    )


@lru_cache(maxsize=8)
def _load(user_file: str | None) -> Codebook:
    base = _read_yaml("codebook.yaml (bundled)", bundled_codebook_text())
    # the lexicon is part of the codebook; it lives in its own file only to keep both readable
    base.setdefault("lexicon", bundled_lexicon())
    if user_file is None:
        return _validate(base, "codebook.yaml (bundled)")
    path = Path(user_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the codebook file ({exc.strerror})") from exc
    return _validate(_merge(base, _read_yaml(path, text), str(path)), str(path))


def load_codebook(user_file: str | Path | None = None) -> Codebook:
    """The bundled codebook, extended by ``user_file`` when given. Cached per file."""
    return _load(str(user_file) if user_file is not None else None)


def missing_translations(
    codebook: Codebook, languages: Iterable[str] = REQUIRED_LANGUAGES
) -> list[str]:
    """Where a label or definition lacks one of ``languages`` — for tests and `codebook --check`."""
    gaps = []
    for section in SECTIONS:
        for item in getattr(codebook, section):
            for field in ("label", "definition"):
                texts = getattr(item, field, None)
                if field == "definition" and not texts:
                    continue
                for lang in languages:
                    if not (texts or {}).get(lang):
                        gaps.append(f"{section}.{item.code}.{field}.{lang}")
    return gaps
