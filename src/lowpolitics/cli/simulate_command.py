"""``lowpolitics simulate``: a synthetic registry with known disruption rates, to see the method
recover them (``lowpolitics init`` + ``import`` + ``analyse resilience`` on the output)."""

from __future__ import annotations

from pathlib import Path

import typer

from lowpolitics.cli.output import out, print_table
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import ConfigError


def parse_rates(text: str | None, mechanisms: list[str]) -> dict[str, tuple[float, float]]:
    """``institutional=0.5/0.05,societal=0.2/0.04`` over the defaults (in tension/outside)."""
    from lowpolitics.analysis.simulate import DEFAULT_RATES

    rates = dict(DEFAULT_RATES)
    if not text:
        return rates
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, values = part.partition("=")
        inside, _, outside = values.partition("/")
        try:
            pair = (float(inside), float(outside))
        except ValueError:
            raise ConfigError(
                f"--rates '{part}': expected MECHANISM=IN/OUT, e.g. institutional=0.5/0.05"
            ) from None
        if name.strip() not in mechanisms:
            raise ConfigError(f"--rates: '{name}' is not one of {', '.join(mechanisms)}")
        if not all(0 <= p <= 1 for p in pair):
            raise ConfigError(f"--rates '{part}': probabilities between 0 and 1 expected")
        rates[name.strip()] = pair
    return rates


def simulate_command(
    ctx: typer.Context,
    out_dir: Path = typer.Option(
        ..., "--out", help="folder for registry.csv, context.csv, truth.json"
    ),
    seed: int = typer.Option(1, help="random seed (same seed, same files)"),
    rates: str | None = typer.Option(
        None, help="disruption probabilities MECHANISM=IN/OUT, comma-separated, over the defaults"
    ),
    n: int = typer.Option(600, "--n", help="number of activities", min=0),
) -> None:
    """Write a synthetic registry and context with chosen disruption rates per mechanism."""
    from lowpolitics.analysis.simulate import simulate

    state: State = ctx.obj
    chosen = parse_rates(rates, state.codebook.mechanism_codes)
    truth = simulate(out_dir, seed=seed, rates=chosen, n_activities=n, codebook=state.codebook)
    data = truth.as_dict()
    out().print(
        f"wrote {out_dir / 'registry.csv'}, {out_dir / 'context.csv'} and "
        f"{out_dir / 'truth.json'} (seed {seed}; synthetic data, not real events)",
        highlight=False,
    )
    counts = data["counts"]
    rows = []
    for mechanism, (p_in, p_out) in chosen.items():
        cell = counts.get(mechanism, {})
        inside, outside = cell.get("in_tension", {}), cell.get("outside", {})
        rows.append(
            [
                mechanism,
                f"{p_in:g}",
                f"{inside.get('disrupted', '')}/{inside.get('n', '')}",
                f"{p_out:g}",
                f"{outside.get('disrupted', '')}/{outside.get('n', '')}",
            ]
        )
    print_table(
        "generated (probability, disrupted/n)",
        ["mechanism", "p in tension", "in tension", "p outside", "outside"],
        rows,
    )
