"""Options every ``analyse`` command shares, turned into :class:`AnalysisOptions`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from lowpolitics.analysis.options import GRACE_DAYS, AnalysisOptions
from lowpolitics.analysis.periods import MODES, PeriodRule
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import ConfigError

FROM = typer.Option(None, "--from", help="YYYY[-MM[-DD]]: first day of the window")
TO = typer.Option(None, "--to", help="YYYY[-MM[-DD]]: last day of the window")
PERIODS = typer.Option(
    "auto", "--periods", help="auto (declared, else derived) | declared | derived | both"
)
RULE = typer.Option(None, "--period-rule", help="YAML file overriding the derivation rule")
AS_OF = typer.Option(None, "--as-of", help="YYYY-MM-DD taken as today (default: today)")
FORMAT = typer.Option("table", "--format", "-f", help="table | json")
GRACE = typer.Option(
    GRACE_DAYS,
    "--grace-days",
    min=0,
    envvar="LOWPOLITICS_GRACE_DAYS",
    help="days after its date a planned activity with no reported outcome becomes "
    "'outcome unknown'",
)

CONTACT = typer.Option(
    None,
    "--contact",
    help="count only cooperative rows with these contact codes, comma-separated "
    "(bilateral, multilateral_joint, co_presence, one_sided); rows not coded are left out",
)


def contact_option(value: str | None, codebook) -> frozenset[str] | None:
    """A --contact value as a set of codebook contact codes (None: no filter)."""
    if not value:
        return None
    codes = frozenset(c.strip().lower() for c in value.split(",") if c.strip())
    unknown = sorted(codes - set(codebook.contact_codes))
    if unknown or not codes:
        raise ConfigError(
            f"--contact '{value}': use codes from {', '.join(codebook.contact_codes)}, "
            "separated by commas"
        )
    return codes


def day_option(value: str | None, option: str, end: bool = False) -> date | None:
    """A --from/--to/--as-of value as a day: a month or a year stands for its first (or, with
    ``end``, last) day."""
    if not value:
        return None
    try:
        partial = PartialDate.parse(value)
    except ValueError:
        raise ConfigError(f"{option} '{value}': expected YYYY-MM-DD, YYYY-MM or YYYY") from None
    return partial.end if end else partial.start


def build_options(
    date_from: str | None,
    date_to: str | None,
    periods: str,
    period_rule: Path | None,
    as_of: str | None = None,
    grace_days: int = GRACE_DAYS,
) -> AnalysisOptions:
    parse = day_option
    if periods not in MODES:
        raise ConfigError(f"--periods '{periods}': use one of {', '.join(MODES)}")
    if as_of and len(as_of) != 10:
        raise ConfigError(f"--as-of '{as_of}': expected a day, YYYY-MM-DD")
    return AnalysisOptions(
        date_from=parse(date_from, "--from"),
        date_to=parse(date_to, "--to", end=True),
        periods_mode=periods,
        rule=PeriodRule.from_file(period_rule) if period_rule else PeriodRule(),
        as_of=parse(as_of, "--as-of"),
        grace_days=grace_days,
    )


def check_format(fmt: str, allowed: tuple[str, ...] = ("table", "json")) -> None:
    if fmt not in allowed:
        raise ConfigError(f"--format '{fmt}': use one of {', '.join(allowed)}")
