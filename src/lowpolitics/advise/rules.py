"""Loading and evaluating recommendation rules.

Rules live in ``data/rules.yaml`` (and a user's file, merged by ``id``: same id replaces,
``enabled: false`` switches a rule off, a new id is added). Each rule is evaluated against the
figures of one ``analyse all`` document and ends in one of four states:

- ``fired`` — the condition holds for the figures' values *and* for every bound of their
  intervals (the whole interval lies beyond the threshold), and every figure rests on enough
  cases;
- ``silent`` — the condition does not hold on the figures' values nor on any bound of their
  intervals: the figures rule the problem out;
- ``thin`` — a figure rests on fewer cases than the rule requires, or the condition holds on
  the values but not on every bound, or fails on the values but holds on some bound (either
  way the interval straddles the threshold): the rule does not speak, and says why;
- ``no_data`` — a figure the rule needs is not available (an analysis not run, or empty), or the
  rule ``needs`` an analysis that does not exist yet (it says which).

Every bundled rule states its **benchmark**: what the threshold stands for and where it comes
from (a target in an agreement, the calm-period figure, a population share …).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from lowpolitics.advise.conditions import ConditionError, Missing, evaluate, names, parse
from lowpolitics.advise.figures import Figure, figures_from, lookup_in
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.errors import ConfigError
from lowpolitics.framework.i18n import FALLBACK, translator

LANGUAGES = ("en", "ru", "ky", "tg")
# a rule must speak the interface's two languages; the shipped rules speak all four, and a
# user's rule without Kyrgyz or Tajik text is shown in Russian (framework.i18n.FALLBACK)
REQUIRED_LANGUAGES = ("en", "ru")


def _in(texts: dict, lang: str):
    """The entry for ``lang``, else its fallback language's, else the English one."""
    for code in (lang, FALLBACK.get(lang), "en"):
        if code and texts.get(code):
            return texts[code]
    return None


STATES = ("fired", "thin", "no_data", "silent")


class RuleText(BaseModel):
    model_config = ConfigDict(extra="forbid")
    finding: str
    recommendation: str
    options: list[str] = Field(default_factory=list)


BENCHMARK_KINDS = (
    "agreement",
    "calm_period",
    "population",
    "other_country",
    "other_mechanism",
    "zero",
)


class Benchmark(BaseModel):
    """What a rule's threshold stands for: ``kind`` of reference, ``text`` per language, and
    ``source`` (the page or the analysis figure it comes from)."""

    model_config = ConfigDict(extra="forbid")
    kind: str
    text: dict[str, str]
    source: str

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in BENCHMARK_KINDS:
            raise ValueError(f"benchmark kind '{value}': one of {', '.join(BENCHMARK_KINDS)}")
        return value


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    priority: int = Field(ge=1, le=5)
    when: str
    requires: dict[str, int] = Field(default_factory=dict)
    cites: list[str] = Field(default_factory=list)
    text: dict[str, RuleText]
    enabled: bool = True
    prescription: str | None = None  # which prescription of the framework it serves
    benchmark: Benchmark | None = None
    # an analysis the rule's figure needs that the software does not have yet: the rule then
    # reports no_data with this text instead of a figure that can never appear
    needs: str | dict[str, str] | None = None

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
        missing = [lang for lang in REQUIRED_LANGUAGES if lang not in value]
        if missing:
            raise ValueError(f"text needed in {', '.join(missing)}")
        return value

    def figure_names(self) -> list[str]:
        used = [_base(n) for n in names(parse(self.when))]
        return list(dict.fromkeys(used + list(self.requires) + self.cites))


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    # the framework's prescriptions a rule may serve (code → label per language)
    prescriptions: dict[str, dict[str, str]] = Field(default_factory=dict)
    figures: dict[str, dict[str, str]] = Field(default_factory=dict)
    rules: list[Rule]

    @model_validator(mode="after")
    def _known_prescriptions(self) -> RuleSet:
        for rule in self.rules:
            if rule.prescription and rule.prescription not in self.prescriptions:
                raise ValueError(
                    f"rule '{rule.id}': prescription '{rule.prescription}' is not one of "
                    f"{', '.join(self.prescriptions) or 'the prescriptions listed'}"
                )
        return self


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
        data["prescriptions"] = {
            **data.get("prescriptions", {}),
            **(extra.get("prescriptions") or {}),
        }
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

    _ = translator(lang)
    ci_word = _("95 % CI")
    days_word = _("days")
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
    if figure.kind == "points":  # a difference of two shares, in percentage points
        points_word = _("points")

        def pp(value: float) -> str:
            return format_decimal(value * 100, format="+#,##0;−#,##0", locale=lang)

        text = f"{pp(figure.value)} {points_word}"
        if figure.low is not None:
            text += f" ({ci_word} {pp(figure.low)}…{pp(figure.high)}"
            text += f", n = {figure.n})" if figure.n is not None else ")"
        return text
    if figure.kind == "ratio":
        text = number(figure.value)
        if figure.low is not None:
            text += f" ({ci_word} {number(figure.low)}–{number(figure.high)})"
        return text
    if figure.kind == "days":
        return _days(figure.value, lang, days_word)
    return number(figure.value, "#,##0")


def _days(value: float, lang: str, fallback_word: str) -> str:
    """A number of days with CLDR's plural form ("21 день", "45 дней"); where CLDR has no
    word for the language (it prints the root "d", as for Tajik) the catalogue's word."""
    text = format_unit(value, "duration-day", length="long", locale=lang, format="#,##0")
    number = format_decimal(value, format="#,##0", locale=lang)
    unit = text.replace(number, "").strip()
    if lang != "en" and unit.isascii():
        return f"{number} {fallback_word}"
    return text


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
            {"figure": _label(ruleset, n, lang), "n": figures[n].n, "needed": minimum}
            for n, minimum in rule.requires.items()
            if n in figures and figures[n].n is not None and figures[n].n < minimum
        ]
        state, reason, undecided = "silent", None, False
        if rule.needs:
            state, reason = (
                "no_data",
                _("needs: {what}").format(
                    what=rule.needs if isinstance(rule.needs, str) else _in(rule.needs, lang)
                ),
            )
        elif thin:  # too few cases explains a missing value better than "no data" does
            state = "thin"
            reason = "; ".join(
                _("{figure} rests on {n} cases, {needed} needed").format(**t) for t in thin
            )
        elif absent:
            state, reason = (
                "no_data",
                _("no value for: {names}").format(
                    names=", ".join(_label(ruleset, n, lang) for n in absent)
                ),
            )
        else:
            try:
                state, straddling = _judge(rule.when, figures, lookup)
            except Missing as exc:
                state, reason = "no_data", _("no value for: {names}").format(names=exc.name)
            else:
                if straddling:
                    undecided = True
                    reason = "; ".join(
                        _("the interval of {figure} ({shown}) straddles the threshold").format(
                            figure=_label(ruleset, f.name, lang), shown=format_figure(f, lang)
                        )
                        for f in straddling
                    )
        text = _in(rule.text, lang)
        cited = [figures[n] for n in rule.cites if n in figures]
        results.append(
            {
                "id": rule.id,
                "priority": rule.priority,
                "state": state,
                "reason": reason,
                # thin because an interval straddles the threshold, not for want of cases
                "undecided": undecided,
                "condition": rule.when,
                "finding": _render(text.finding, figures, lang) if state == "fired" else None,
                "recommendation": text.recommendation,
                "options": text.options,
                "prescription": rule.prescription,
                "prescription_label": _in(ruleset.prescriptions.get(rule.prescription) or {}, lang),
                "benchmark": (
                    {
                        "kind": rule.benchmark.kind,
                        "text": _in(rule.benchmark.text, lang),
                        "source": rule.benchmark.source,
                    }
                    if rule.benchmark
                    else None
                ),
                "evidence": [
                    {
                        **f.as_dict(),
                        "label": _label(ruleset, f.name, lang),
                        "shown": format_figure(f, lang),
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


def _judge(when: str, figures: dict[str, Figure], lookup) -> tuple[str, list[Figure]]:
    """``fired`` when the condition holds on the values and at every corner of the figures'
    intervals, ``thin`` (with the figures whose intervals straddle) when it holds on the values
    only or on some corner only, else ``silent``. Only figures named bare are bent to their
    bounds: a condition that names ``x.low`` has already said which bound it means."""
    tree = parse(when)
    bare = [
        figures[n]
        for n in dict.fromkeys(names(tree))
        if n in figures and figures[n].low is not None and figures[n].high is not None
    ]
    if not evaluate(tree, lookup):
        # silent only when no corner of the intervals makes the condition hold: a value
        # below the threshold whose interval reaches beyond it has not ruled the problem out
        return _judge_unmet(tree, bare, lookup)
    straddling = []
    for corner in itertools.product(*[(f.low, f.high) for f in bare]):
        bent = {f.name: value for f, value in zip(bare, corner, strict=True)}
        if not evaluate(tree, lambda name, bent=bent: bent.get(name, lookup(name))):
            straddling = bare
            break
    if not straddling:
        return "fired", []
    # name only the figures whose own interval crosses: vary one at a time
    crossing = [
        f
        for f in bare
        if not all(
            evaluate(tree, lambda name, f=f, v=v: v if name == f.name else lookup(name))
            for v in (f.low, f.high)
        )
    ]
    return "thin", crossing or straddling


def _judge_unmet(tree, bare: list[Figure], lookup) -> tuple[str, list[Figure]]:
    """``silent`` when the condition fails at every corner of the intervals too, else ``thin``
    naming the figures whose own interval reaches across the threshold."""
    for corner in itertools.product(*[(f.low, f.high) for f in bare]):
        bent = {f.name: value for f, value in zip(bare, corner, strict=True)}
        if evaluate(tree, lambda name, bent=bent: bent.get(name, lookup(name))):
            break
    else:
        return "silent", []
    crossing = [
        f
        for f in bare
        if any(
            evaluate(tree, lambda name, f=f, v=v: v if name == f.name else lookup(name))
            for v in (f.low, f.high)
        )
    ]
    return "thin", crossing or bare


def _label(ruleset: RuleSet, name: str, lang: str) -> str:
    base, _sep, qualifier = name.partition(".")
    labels = ruleset.figures.get(base) or ruleset.figures.get(name) or {}
    label = _in(labels, lang) or name
    return f"{label} — {_qualifier(qualifier, lang)}" if qualifier else label


@lru_cache(maxsize=1)
def _shipped_codebook():
    return load_codebook()


def _qualifier(code: str, lang: str) -> str:
    """The part of a figure name after the dot, in the reader's language: a mechanism's name
    from the codebook, or one of the words the figures use (all, slowest)."""
    _ = translator(lang)
    words = {"all": _("all mechanisms"), "slowest": _("slowest mechanism")}
    if code in words:
        return words[code]
    codebook = _shipped_codebook()
    if code in codebook.mechanism_codes:
        return codebook.label("mechanisms", code, lang).split(" (")[0].lower()
    return code
