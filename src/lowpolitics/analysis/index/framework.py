"""The index framework as data: index → pillars → indicators, validated once on load.

Step 1 of the OECD/JRC guide asks for an explicit, editable framework with definitions and
rationale. Keeping it in a YAML file (not in code) lets a user swap indicators, directions,
targets or weights without touching the computation, and keeps every choice on the record:
the resolved framework is echoed in the output of :func:`~lowpolitics.analysis.index.run_index`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lowpolitics.framework.errors import ConfigError

BUNDLED = "framework.yaml"
LANGUAGES = ("en", "ru")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_code(value: str) -> str:
    if not value or not value.replace("_", "").isalnum() or value != value.lower():
        raise ValueError(f"code {value!r} must be lower-case letters, digits and '_'")
    return value


def _check_label(value: dict[str, str]) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not value.get(lang)]
    if missing:
        raise ValueError(f"label needs a text in {', '.join(missing)}")
    return value


class _Coded(_Strict):
    """A framework element with a code and a label in English and Russian."""

    code: str
    label: dict[str, str]

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return _check_code(value)

    @field_validator("label")
    @classmethod
    def _label(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_label(value)


class Pillar(_Coded):
    weight: float = Field(default=1.0, ge=0)
    description: str | None = None
    # a pillar about tension (resilience) is undefined in a year without any tension day:
    # scoring it there would reward calm years for a test they never sat
    needs_tension: bool = False


class Indicator(_Coded):
    pillar: str
    source: str
    direction: Literal[1, -1]
    unit: str
    rationale: str
    target: float | None = None
    weight: float = Field(default=1.0, ge=0)


class Framework(_Strict):
    """A validated framework; build it with :func:`load_framework`."""

    code: str = "cdi"
    version: str = "1.0.0"
    label: dict[str, str]
    pillars: list[Pillar]
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        pillars = [p.code for p in self.pillars]
        codes = [i.code for i in self.indicators]
        for kind, seen in (("pillar", pillars), ("indicator", codes)):
            dupes = sorted({c for c in seen if seen.count(c) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} codes {dupes}")
        if set(pillars) & set(codes):
            raise ValueError(
                f"codes used for both a pillar and an indicator: "
                f"{sorted(set(pillars) & set(codes))}"
            )
        for ind in self.indicators:
            if ind.pillar not in pillars:
                raise ValueError(f"indicator {ind.code!r}: pillar {ind.pillar!r} is not defined")
        for pillar in self.pillars:
            if not self.members(pillar.code):
                raise ValueError(f"pillar {pillar.code!r} has no indicator")
            if sum(i.weight for i in self.members(pillar.code)) <= 0:
                raise ValueError(f"pillar {pillar.code!r}: its indicator weights sum to zero")
        if sum(p.weight for p in self.pillars) <= 0:
            raise ValueError("pillar weights sum to zero")
        return self

    @property
    def pillar_codes(self) -> list[str]:
        return [p.code for p in self.pillars]

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def members(self, pillar: str) -> list[Indicator]:
        return [i for i in self.indicators if i.pillar == pillar]

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def with_weights(self, weights: dict[str, float] | None) -> Framework:
        """A copy whose pillar or indicator weights are replaced by ``weights`` (code → weight).

        Kept as a copy, so the framework a user loaded stays the reference that any scenario
        is compared with (COINr's copy-the-coin pattern)."""
        if not weights:
            return self
        unknown = sorted(set(weights) - set(self.pillar_codes) - set(self.indicator_codes))
        if unknown:
            raise ConfigError(f"weights: unknown pillar or indicator codes {unknown}")
        data = self.model_dump()
        for item in data["pillars"] + data["indicators"]:
            if item["code"] in weights:
                item["weight"] = float(weights[item["code"]])
        return _validate(data, "weights")

    def equal_weights(self) -> bool:
        """True when every pillar, and every indicator within its pillar, weighs the same."""
        same = len({p.weight for p in self.pillars}) == 1
        return same and all(
            len({i.weight for i in self.members(p)}) == 1 for p in self.pillar_codes
        )


def _validate(data: Any, where: str) -> Framework:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the framework must be a mapping")
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'framework'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{where}: invalid index framework — {problems}") from exc


def _read(path: Path | str) -> Any:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from exc


def bundled_framework_text() -> str:
    return resources.files(__package__).joinpath(BUNDLED).read_text(encoding="utf-8")


def load_framework(path: Path | str | None = None) -> Framework:
    """The bundled framework, or the user's file of the same shape (replaces it entirely)."""
    if path is None:
        return _validate(yaml.safe_load(bundled_framework_text()), "bundled framework.yaml")
    return _validate(_read(path), str(path))


def load_weights(path: Path | str) -> dict[str, float]:
    """A YAML mapping pillar or indicator code → non-negative weight.

    Codes are checked against a framework when the weights are applied
    (:meth:`Framework.with_weights`), since one weights file may serve several frameworks."""
    data = _read(path)
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"{path}: expected a mapping of pillar or indicator code → weight")
    weights: dict[str, float] = {}
    for code, value in data.items():
        try:
            weight = float(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: weight of {code!r} is not a number") from exc
        if weight < 0 or weight != weight:
            raise ConfigError(f"{path}: weight of {code!r} must be ≥ 0")
        weights[str(code)] = weight
    return weights
