"""Loading and evaluating recommendation rules.

Rules live in ``data/rules.yaml`` (and a user's file, merged by ``id``: same id replaces,
``enabled: false`` switches a rule off, a new id is added). Each rule is evaluated against the
figures of one ``analyse all`` document and ends in one of four states:

- ``fired`` — the condition holds and every figure rests on enough cases;
- ``silent`` — the condition does not hold;
- ``thin`` — a figure rests on fewer cases than the rule requires, so the rule does not speak;
- ``no_data`` — a figure the rule needs is not available (an analysis not run, or empty).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from babel.numbers import format_decimal, format_percent
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lowpolitics.advise.conditions import ConditionError, Missing, evaluate, names, parse
from lowpolitics.advise.figures import Figure, figures_from, lookup_in
from lowpolitics.framework.errors import ConfigError
from lowpolitics.framework.i18n import translator

LANGUAGES = ("en", "ru")
STATES = ("fired", "thin", "no_data", "silent")


class RuleText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    finding: str
    recommendation: str
    options: list[str] = Field(default_factory=list)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    priority: int = Field(ge=1, le=5)
    when: str
    requires: dict[str, int] = Field(default_factory=dict)
    cites: list[str] = Field(default_factory=list)
    text: dict[str, RuleText]
    enabled: bool = True

    @field_validator("when")
    @classmethod
    def _safe(cls, value: str) -> str:
        try:
            parse(value)
        except ConditionError as exc:
            raise ValueError(f"condition '{value}': {exc}") from exc
        return value

    @field_validator("text")
    @classmethod
    def _languages(cls, value: dict[str, RuleText]) -> dict[str, RuleText]:
        missing = [lang for lang in LANGUAGES if lang not in value]
        if missing:
            raise ValueError(f"text needed in {', '.join(missing)}")
        return value

    def figure_names(self) -> list[str]:
        used = [_base(n) for n in names(parse(self.when))]
        return list(dict.fromkeys(used + list(self.requires) + self.cites))


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    figures: dict[str, dict[str, str]] = Field(default_factory=dict)
    rules: list[Rule]


def _base(name: str) -> str:
    head, _, suffix = name.rpartition(".")
    return head if suffix in ("low", "high", "n", "value") and head else name


def _read(text: str, where: str) -> dict:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping with 'rules'")
    return data


@lru_cache(maxsize=4)
def load_rules(user_file: str | None = None) -> RuleSet:
    """The bundled rules, overlaid with ``user_file`` when given."""
    bundled = resources.files("lowpolitics.advise").joinpath("data/rules.yaml")
    data = _read(bundled.read_text(encoding="utf-8"), "rules.yaml (bundled)")
    where = "rules.yaml (bundled)"
    if user_file:
        where = user_file
        try:
            extra = _read(Path(user_file).read_text(encoding="utf-8"), user_file)
        except OSError as exc:
            raise ConfigError(f"{user_file}: cannot read the rules file ({exc.strerror})") from exc
        by_id = {r["id"]: r for r in data["rules"]}
        for rule in extra.get("rules") or []:
            if not isinstance(rule, dict) or "id" not in rule:
                raise ConfigError(f"{user_file}: every rule needs an 'id'")
            if set(rule) <= {"id", "enabled"}:  # switching a bundled rule on or off
                if rule["id"] not in by_id:
                    raise ConfigError(f"{user_file}: no bundled rule '{rule['id']}'")
                by_id[rule["id"]] = {**by_id[rule["id"]], **rule}
            else:
                by_id[rule["id"]] = rule
        data["rules"] = list(by_id.values())
        data["figures"] = {**data.get("figures", {}), **(extra.get("figures") or {})}
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: {loc}: {first['msg']}") from exc


def format_figure(figure: Figure, lang: str) -> str:
    """A figure as a reader sees it: value, interval and n, in the reader's locale."""

    def number(value: float, digits: str = "0.##") -> str:
        return format_decimal(value, format=digits, locale=lang)

    def percent(value: float) -> str:
        return format_percent(value, format="#,##0 %", locale=lang)

    ci_word = {"en": "95 % CI", "ru": "95 % ДИ"}.get(lang, "95 % CI")
    days_word = {"en": "days", "ru": "дн."}.get(lang, "days")
    if figure.value is None:
        return "—"
    if figure.kind in ("rate", "share"):
        text = percent(figure.value)
        if figure.low is not None:
            text += f" ({ci_word} {percent(figure.low)}–{percent(figure.high)}"
            text += f", n = {figure.n})" if figure.n is not None else ")"
        elif figure.n is not None:
            text += f" (n = {figure.n})"
        return text
    if figure.kind == "ratio":
        text = number(figure.value)
        if figure.low is not None:
            text += f" ({ci_word} {number(figure.low)}–{number(figure.high)})"
        return text
    if figure.kind == "days":
        return f"{number(figure.value, '#,##0')} {days_word}"
    return number(figure.value, "#,##0")


def _render(template: str, figures: dict[str, Figure], lang: str) -> str:
    out = template
    for name, figure in figures.items():
        out = out.replace("{" + name + "}", format_figure(figure, lang))
    return out


def evaluate_rules(document: dict, ruleset: RuleSet | None = None, lang: str = "en") -> dict:
    """Every rule's state on the document, with the figures, texts and rows behind it."""
    if lang not in LANGUAGES:
        raise ConfigError(f"language '{lang}': recommendations exist in {', '.join(LANGUAGES)}")
    ruleset = ruleset or load_rules()
    _ = translator(lang)
    figures = figures_from(document)
    lookup = lookup_in(figures)
    results = []
    for rule in sorted(ruleset.rules, key=lambda r: (r.priority, r.id)):
        if not rule.enabled:
            continue
        needed = rule.figure_names()
        absent = [n for n in needed if n not in figures or figures[n].value is None]
        thin = [  # a figure without n (a count, not a sample) is never thin
            {"figure": n, "n": figures[n].n, "needed": minimum}
            for n, minimum in rule.requires.items()
            if n in figures and figures[n].n is not None and figures[n].n < minimum
        ]
        state, reason = "silent", None
        if thin:  # too few cases explains a missing value better than "no data" does
            state = "thin"
            reason = "; ".join(
                _("{figure} rests on {n} cases, {needed} needed").format(**t) for t in thin
            )
        elif absent:
            state, reason = "no_data", _("no value for: {names}").format(names=", ".join(absent))
        else:
            try:
                if evaluate(parse(rule.when), lookup):
                    state = "fired"
            except Missing as exc:
                state, reason = "no_data", _("no value for: {names}").format(names=exc.name)
        text = rule.text[lang]
        cited = [figures[n] for n in rule.cites if n in figures]
        results.append(
            {
                "id": rule.id,
                "priority": rule.priority,
                "state": state,
                "reason": reason,
                "condition": rule.when,
                "finding": _render(text.finding, figures, lang) if state == "fired" else None,
                "recommendation": text.recommendation,
                "options": text.options,
                "evidence": [
                    {
                        **f.as_dict(),
                        "label": _label(ruleset, f.name, lang),
                        "shown": format_figure(f, lang),
                        "see": f"lowpolitics analyse all → {f.source}",
                    }
                    for f in cited
                ],
            }
        )
    counts = {s: sum(1 for r in results if r["state"] == s) for s in STATES}
    return {
        "language": lang,
        "rules_version": ruleset.version,
        "counts": counts,
        "recommendations": results,
    }


def _label(ruleset: RuleSet, name: str, lang: str) -> str:
    base, _, qualifier = name.partition(".")
    labels = ruleset.figures.get(base) or ruleset.figures.get(name) or {}
    label = labels.get(lang) or labels.get("en") or name
    return f"{label} — {qualifier}" if qualifier else label
