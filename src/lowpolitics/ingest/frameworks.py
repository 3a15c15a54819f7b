"""The frameworks file: agreements and their commitments, standing bodies and their rhythm, and
the rhythm of recurring initiatives — what continuity analysis checks the registry against.

A YAML (or JSON) document with three optional lists; see docs/data-formats.md. Every problem
is reported with the file, the line in the YAML and the field path, all at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.ingest.checks import parse_actor


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _partial_date_text(value) -> str | None:
    """A YAML date, year or text as ``YYYY``/``YYYY-MM``/``YYYY-MM-DD`` (checked), or None."""
    if value is None or value == "":
        return None
    text = str(value)
    try:
        PartialDate.parse(text)
    except ValueError as exc:
        raise ValueError("a date written YYYY, YYYY-MM or YYYY-MM-DD") from exc
    return text


class InitiativeSpec(_Model):
    """An initiative's declared rhythm and its life: gaps are only ever inferred inside it."""

    name: str = Field(min_length=1, max_length=300)
    rhythm_months: int | None = Field(default=None, ge=1, le=120)
    start: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    end: str | None = None
    ended: bool | None = None  # the project closed (a gap after ``end`` is no silence)
    source_url: str | None = None
    notes: str | None = None

    @field_validator("start", "end", mode="before")
    @classmethod
    def _partial_date(cls, value):
        return _partial_date_text(value)

    def life(self) -> tuple[date | None, date | None]:
        """First and last day of the life as stated (a year-dated end runs to 31 December)."""
        start = PartialDate.parse(self.start).start if self.start else None
        end = PartialDate.parse(self.end).end if self.end else None
        return start, end


def _in_codebook(value: str | None, info: ValidationInfo, section: str, what: str):
    """Check a code against the codebook handed over as validation context."""
    codebook: Codebook | None = (info.context or {}).get("codebook")
    if value is not None and codebook is not None:
        allowed = getattr(codebook, section)
        if value not in allowed:
            raise ValueError(f"a {what}: one of {', '.join(allowed)}")
    return value


class CommitmentSpec(_Model):
    code: str = Field(min_length=1, max_length=80)
    title: str = Field(min_length=1, max_length=500)
    mechanism: str | None = None
    initiatives: list[str] = Field(default_factory=list)
    due: str | None = None  # by when it was promised: YYYY, YYYY-MM or YYYY-MM-DD
    source_url: str | None = None  # the page that reports the promise

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value):
        return _partial_date_text(value)

    @field_validator("mechanism")
    @classmethod
    def _mechanism(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _in_codebook(value, info, "mechanism_codes", "mechanism")


class InstrumentSpec(_Model):
    key: str = Field(min_length=1, max_length=120)
    title: str = Field(min_length=1, max_length=500)
    kind: str = Field(default="agreement", max_length=40)
    signed_on: date | None = None
    ratified_on: date | None = None
    in_force_on: date | None = None
    expires_on: date | None = None
    status: str | None = None
    parties: list[str] = Field(default_factory=list)
    source_url: str | None = None
    notes: str | None = None
    commitments: list[CommitmentSpec] = Field(default_factory=list)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _in_codebook(value, info, "status_codes", "status")

    @field_validator("parties")
    @classmethod
    def _parties(cls, value: list[str]) -> list[str]:
        for party in value:
            if parse_actor(party) is None:
                raise ValueError(f"party '{party}' must be written 'Name [CC]'")
        return value


class BodySpec(_Model):
    key: str = Field(min_length=1, max_length=120)
    name: str = Field(min_length=1, max_length=300)
    kind: str = Field(default="commission", max_length=40)
    rhythm_months: int | None = Field(default=None, ge=1, le=120)
    initiative: str | None = None
    instrument: str | None = None
    notes: str | None = None


class FrameworksFile(_Model):
    initiatives: list[InitiativeSpec] = Field(default_factory=list)
    bodies: list[BodySpec] = Field(default_factory=list)
    instruments: list[InstrumentSpec] = Field(default_factory=list)


def _line_of(root: yaml.Node | None, path: tuple) -> int | None:
    """The line in the YAML source of the node at ``path`` (or of its nearest parent)."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
            if found is None:
                return line
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _value_at(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def parse_frameworks(path: Path | str, codebook: Codebook) -> FrameworksFile:
    """Read and check a frameworks file; raise :class:`InputError` naming every problem."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(
            [CellError(str(path), None, None, None, "a readable file")],
            message=f"{path}: cannot read the file",
        ) from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            [CellError(name, mark.line + 1 if mark else None, None, None, "valid YAML")],
            message=f"{name}: not valid YAML",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            [CellError(name, 1, None, None, "a mapping with initiatives, bodies and instruments")]
        )
    errors: list[CellError] = []
    try:
        parsed = FrameworksFile.model_validate(data, context={"codebook": codebook})
    except ValidationError as exc:
        for problem in exc.errors():
            loc = tuple(problem["loc"])
            value = _value_at(data, loc)
            errors.append(
                CellError(
                    name,
                    _line_of(root, loc),
                    ".".join(map(str, loc)),
                    None
                    if isinstance(value, dict | list)
                    else (None if value is None else str(value)),
                    problem["msg"].removeprefix("Value error, "),
                )
            )
        raise InputError(errors) from exc
    keys = [b.key for b in parsed.bodies]
    instrument_keys = {i.key for i in parsed.instruments}
    for i, body in enumerate(parsed.bodies):
        if keys.count(body.key) > 1:
            loc = ("bodies", i, "key")
            errors.append(
                CellError(
                    name, _line_of(root, loc), ".".join(map(str, loc)), body.key, "a key used once"
                )
            )
        if body.instrument and body.instrument not in instrument_keys:
            loc = ("bodies", i, "instrument")
            errors.append(
                CellError(
                    name,
                    _line_of(root, loc),
                    ".".join(map(str, loc)),
                    body.instrument,
                    "the key of an instrument in this file",
                )
            )
    if errors:
        raise InputError(errors)
    return parsed
