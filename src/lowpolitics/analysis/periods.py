"""Tension periods: declared by hand, or derived from security events by a stated rule.

A declared period (a context row with ``kind=tension_period``) is used as given. Where none is
declared — or when asked — periods are derived: each security event of at least
``min_severity`` opens a window from its first day to its last day plus a number of days that
grows with severity and with fatalities (``base_days[severity] + days_per_fatality ×
fatalities``, capped at ``max_days``); windows that overlap or touch merge into one period that
lists every event behind it. The rule's numbers are defaults a user can override from a YAML
file (``--period-rule``); docs/analysis.md explains them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from lowpolitics.analysis.dataset import EventView
from lowpolitics.framework.errors import ConfigError

TENSION_PERIOD = "tension_period"
MODES = ("auto", "declared", "derived", "both")


@dataclass(frozen=True)
class PeriodRule:
    """How security events become tension windows (days after the event's last day)."""

    min_severity: int = 2
    base_days: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 30, 3: 60, 4: 120, 5: 180})
    days_per_fatality: float = 1.0
    max_days: int = 365

    def window_days(self, event: EventView) -> int:
        base = self.base_days.get(event.severity or 0, 0)
        deaths = event.fatalities_low or 0
        return int(min(self.max_days, base + self.days_per_fatality * deaths))

    def describe(self) -> str:
        steps = ", ".join(f"severity {k}: {v} days" for k, v in sorted(self.base_days.items()))
        return (
            f"each security event of severity ≥ {self.min_severity} opens a window from its "
            f"first day to its last day plus ({steps}) + {self.days_per_fatality:g} day per "
            f"death (lower estimate), at most {self.max_days} days; overlapping windows merge"
        )

    @classmethod
    def from_file(cls, path: Path | str) -> PeriodRule:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read the period rule ({exc})") from exc
        known = {"min_severity", "base_days", "days_per_fatality", "max_days"}
        if not isinstance(data, dict) or set(data) - known:
            raise ConfigError(f"{path}: expected a mapping with keys {', '.join(sorted(known))}")
        try:
            base = {int(k): int(v) for k, v in (data.get("base_days") or {}).items()}
            return cls(
                min_severity=int(data.get("min_severity", cls.min_severity)),
                base_days=base or cls().base_days,
                days_per_fatality=float(data.get("days_per_fatality", cls.days_per_fatality)),
                max_days=int(data.get("max_days", cls.max_days)),
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: numbers expected in the period rule ({exc})") from exc


@dataclass(frozen=True)
class TensionPeriod:
    start: date
    end: date  # inclusive
    origin: str  # declared | derived
    events: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    summary: str | None = None

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "origin": self.origin,
            "days": (self.end - self.start).days + 1,
            "events": list(self.events),
            "sources": list(self.sources),
            "summary": self.summary,
        }


def declared_periods(
    events: Iterable[EventView], period_set: str | None = None
) -> list[TensionPeriod]:
    """The tension periods declared by hand: the default set (rows without a ``period_set``),
    or the named alternative set ``period_set``."""
    periods = [
        TensionPeriod(
            start=e.date.start,
            end=e.last_day,
            origin="declared",
            events=(e.key,),
            sources=e.sources,
            summary=e.summary,
        )
        for e in events
        if e.kind == TENSION_PERIOD and e.period_set == period_set
    ]
    return merge(periods)


def period_set_names(events: Iterable[EventView]) -> list[str]:
    """Names of the alternative period sets declared in the context data, sorted."""
    return sorted({e.period_set for e in events if e.kind == TENSION_PERIOD and e.period_set})


def derive_periods(
    events: Iterable[EventView], rule: PeriodRule | None = None
) -> list[TensionPeriod]:
    rule = rule or PeriodRule()
    windows = []
    for e in events:
        if e.kind != "security" or (e.severity or 0) < rule.min_severity:
            continue
        windows.append(
            TensionPeriod(
                start=e.date.start,
                end=e.last_day + timedelta(days=rule.window_days(e)),
                origin="derived",
                events=(e.key,),
                sources=e.sources,
            )
        )
    return merge(windows)


def merge(periods: list[TensionPeriod]) -> list[TensionPeriod]:
    """Merge periods that overlap or touch; the result lists every event behind each.

    Each run of touching periods is gathered first and built once: joining the event lists
    pairwise made a run of k windows cost k² (thousands of security events in one run)."""
    runs: list[list[TensionPeriod]] = []
    end = None
    for p in sorted(periods, key=lambda p: (p.start, p.end, p.events)):
        if runs and p.start <= end + timedelta(days=1):
            runs[-1].append(p)
            end = max(end, p.end)
        else:
            runs.append([p])
            end = p.end
    return [_joined(run) for run in runs]


def _joined(run: list[TensionPeriod]) -> TensionPeriod:
    first = run[0]
    if len(run) == 1:
        return first
    summary = first.summary
    for p in run[1:]:
        summary = summary or p.summary
    return TensionPeriod(
        start=first.start,
        end=max(p.end for p in run),
        origin=first.origin if all(p.origin == first.origin for p in run) else "declared+derived",
        events=tuple(dict.fromkeys(e for p in run for e in p.events)),
        sources=tuple(dict.fromkeys(u for p in run for u in p.sources)),
        summary=summary,
    )


def tension_periods(
    events: list[EventView], mode: str = "auto", rule: PeriodRule | None = None
) -> list[TensionPeriod]:
    """``auto``: declared periods if any exist, else derived; or exactly one kind; or both."""
    if mode not in MODES:
        raise ConfigError(f"periods '{mode}': use one of {', '.join(MODES)}")
    declared = declared_periods(events)
    if mode == "declared" or (mode == "auto" and declared):
        return declared
    derived = derive_periods(events, rule)
    if mode == "both":
        return merge(declared + derived)
    return derived
