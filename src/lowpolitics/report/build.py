"""The whole chain from a database to ``brief.html`` and ``brief.pdf``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from lowpolitics.advise.rules import evaluate_rules, load_rules
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.run_all import analyse_database
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.errors import ConfigError
from lowpolitics.report.brief import LANGUAGES, BriefInputs, write_brief
from lowpolitics.report.chart_map import clashes_from_session, points_from_session
from lowpolitics.report.records import records_from_session
from lowpolitics.store.db import session_scope
from lowpolitics.store.queries import source_urls


def brief_from_store(
    engine: Engine,
    codebook: Codebook,
    out_dir: Path,
    options: AnalysisOptions | None = None,
    lang: str = "en",
    rules_file: str | None = None,
    with_charts: bool = True,
    contacts: frozenset[str] | None = None,
) -> tuple[Path, Path, dict]:
    """Analyse, recommend and write the brief; return the two paths and the analysis document.
    ``contacts``: count only the cooperative rows with these contact codes (the brief says so
    under its headline figures)."""
    if lang not in LANGUAGES:
        raise ConfigError(f"--lang '{lang}': the brief is written in {', '.join(LANGUAGES)}")
    options = options or AnalysisOptions()
    document, dataset = analyse_database(engine, codebook, options, contacts=contacts)
    kinds = codebook.cooperative_kinds or frozenset({"activity"})
    # under --contact the map places the rows ``with_contacts`` kept for the figures, no others
    kept = frozenset(a.key for a in dataset.activities) if dataset.contacts is not None else None
    with session_scope(engine) as session:
        sources = source_urls(session)
        points = points_from_session(session, kinds=kinds, keys=kept) if with_charts else None
        clashes = clashes_from_session(session) if with_charts else None
        records = records_from_session(session)
    recommendations = evaluate_rules(document, load_rules(rules_file), lang)
    html, pdf = write_brief(
        BriefInputs(
            document,
            recommendations,
            codebook,
            lang,
            sources,
            dataset,
            with_charts,
            points,
            clashes,
            records,
        ),
        out_dir,
    )
    return html, pdf, document
