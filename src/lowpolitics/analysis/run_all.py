"""Every analysis in one document: what ``analyse all`` writes and the brief and web app read.

The ``meta`` block says what was analysed (software and codebook versions, a fingerprint of the
data, the window and the period method), so that two documents can be compared and a figure
quoted from one can be traced back to its rows.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from lowpolitics import __version__
from lowpolitics.analysis.at_risk import at_risk
from lowpolitics.analysis.contact_scope import contact_scope
from lowpolitics.analysis.continuity import ContinuityInputs, continuity
from lowpolitics.analysis.dataset import Dataset, shared_work
from lowpolitics.analysis.held_broken import held_broken
from lowpolitics.analysis.index import run_index
from lowpolitics.analysis.network import network_metrics
from lowpolitics.analysis.options import AnalysisOptions, describe_periods, periods_for
from lowpolitics.analysis.reach import reach
from lowpolitics.analysis.recovery import recovery
from lowpolitics.analysis.resilience import disruption_by_mechanism
from lowpolitics.analysis.restart import restart_lags
from lowpolitics.analysis.sensitivity import sensitivity
from lowpolitics.analysis.survival import survival
from lowpolitics.analysis.timeline import timeline
from lowpolitics.analysis.units import counting_base, unit_ids, with_contacts
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.collector import collector_paused
from lowpolitics.framework.notes import structured


def fingerprint(dataset: Dataset) -> str:
    """A hash of the analysed records: equal fingerprints, equal inputs."""
    payload = json.dumps(
        [[repr(a) for a in dataset.activities], [repr(e) for e in dataset.events]],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _record_counts(dataset: Dataset, codebook: Codebook, options: AnalysisOptions) -> dict:
    """Rows by what they are: cooperative units (linked reports merged), the reports behind
    them, statements and restrictions."""
    window = dataset.between(options.date_from, options.date_to)
    base = counting_base(window.activities, codebook, options.today(), options.grace_days)
    return {
        "rows": len(window.activities),
        "cooperative_units": len(base.units),
        "cooperative_rows": sum(len(unit_ids(u)) for u in base.units),
        "statements": len(base.statements),
        "restrictions": len(base.restrictions),
    }


def meta(dataset: Dataset, codebook: Codebook, options: AnalysisOptions) -> dict:
    periods = periods_for(dataset, options)
    return {
        "software": f"lowpolitics {__version__}",
        "codebook_version": codebook.version,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": options.today().isoformat(),
        # the data's own date: the latest day a row reports as happened (plans excluded)
        "last_record": (last.isoformat() if (last := dataset.last_reported()) else None),
        "data_fingerprint": fingerprint(dataset),
        # which cooperative rows every figure below counts: all of them, or one contact
        "contact": contact_scope(dataset),
        # every registry row, then what the rows are: the brief counts units, not rows
        "activities": len(dataset.activities),
        "records": _record_counts(dataset, codebook, options),
        "context_events": len(dataset.events),
        "window": {
            "from": options.date_from.isoformat() if options.date_from else None,
            "to": options.date_to.isoformat() if options.date_to else None,
        },
        "periods_mode": options.periods_mode,
        "period_method": describe_periods(options, periods),
        "rows_query": "lowpolitics show activity ID — every id listed here",
    }


def analyse_all(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions,
    inputs: ContinuityInputs | None = None,
    horizon_days: int = 180,
    index_runs: int = 1000,
    discourse_units: list | None = None,
) -> dict:
    """All analyses over one dataset and one set of options.

    ``discourse_units``: the texts about the other side (coded index and documents), read from
    the store by :func:`analyse_database`; none given, the discourse section says so."""
    with shared_work():  # the window, its counting base and the periods: built once
        document = _sections(
            dataset, codebook, options, inputs, horizon_days, index_runs, discourse_units
        )
    # beside each section's English warnings, the same notes as message ids and values, which
    # the pages and the brief render in the reader's language
    for section in document.values():
        if "warnings" in section:
            section["notes"] = structured(section["warnings"])
    return document


def _sections(
    dataset: Dataset,
    codebook: Codebook,
    options: AnalysisOptions,
    inputs: ContinuityInputs | None,
    horizon_days: int,
    index_runs: int,
    discourse_units: list | None,
) -> dict:
    from lowpolitics.analysis.discourse import analyse_discourse
    from lowpolitics.analysis.options import discourse_options_for

    return {
        "meta": meta(dataset, codebook, options),
        "resilience": disruption_by_mechanism(dataset, codebook, options),
        "sensitivity": sensitivity(dataset, codebook, options).to_dict(),
        "held_broken": held_broken(dataset, codebook, options).to_dict(),
        "restart": restart_lags(dataset, codebook, options).to_dict(),
        "survival": survival(dataset, codebook, options),
        "recovery": recovery(dataset, codebook, options),
        "at_risk": at_risk(dataset, codebook, options, horizon_days),
        "continuity": continuity(
            dataset,
            inputs or ContinuityInputs(),
            codebook,
            options,
            meeting_types=codebook.body_session_types,
        ),
        "reach": reach(dataset, options, codebook),
        "network": network_metrics(dataset, codebook, options),
        "index": run_index(dataset, codebook, options, runs=index_runs),
        "timeline": timeline(dataset, codebook, options),
        "discourse": analyse_discourse(
            discourse_units or [], periods_for(dataset, options), discourse_options_for(options)
        ).to_dict(),
    }


def analyse_database(
    engine,
    codebook: Codebook,
    options: AnalysisOptions,
    horizon_days: int = 180,
    contacts: frozenset[str] | None = None,
) -> tuple[dict, Dataset]:
    """Read the store once and run every analysis: the document and the dataset behind it.
    ``contacts``: count only the cooperative rows with these contact codes (``--contact``)."""
    from lowpolitics.analysis.continuity import load_continuity_inputs
    from lowpolitics.analysis.dataset import load_dataset
    from lowpolitics.analysis.discourse_units import load_units
    from lowpolitics.store.db import require_schema, session_scope

    require_schema(engine)
    with collector_paused():
        with session_scope(engine) as session:
            dataset, inputs = load_dataset(session), load_continuity_inputs(session)
            units = load_units(session, codebook.frame_codes)
        if contacts is not None:
            dataset = with_contacts(dataset, contacts, codebook)
        document = analyse_all(
            dataset, codebook, options, inputs, horizon_days, discourse_units=units
        )
    return document, dataset
