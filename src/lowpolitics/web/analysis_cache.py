"""One analysis run per database state, shared by the dashboard, the analysis pages, the API
and the brief download.

``analyse_database`` reads the whole store and runs every analysis (the index alone draws a
thousand Monte Carlo runs): about half a second on the bundled data, far too much to pay on
each page view. Its result only changes when the data do, and every change leaves an audit
entry, so results are keyed by the audit *generation* (``store.audit.generation``), the
options and the day (at-risk lists and censoring depend on "today"). A write makes the next
request compute afresh; nothing else does. When a newer generation is seen, entries of older
ones (and of earlier days) are dropped, so the cache holds one database state at a time.

Uvicorn runs sync routes in a thread pool, so two requests may ask for the same result at
once: each key has its own lock and the second request waits for the first one's result
instead of computing it again, while different keys (a chart, a brief in another language)
compute in parallel.

Charts are rendered to SVG with vl-convert exactly as the brief renders them
(``report.charts.to_svg``). Briefs are built with ``report.build.brief_from_store`` into a
folder under ``ctx.work_dir`` named after the generation and language, written to a temporary
folder first and renamed into place, so a half-written file is never served.

The memo lives in one process's memory. ``lowpolitics serve --workers N`` runs N processes:
the analysis of a state is computed by the first of them to be asked and written to the work
folder (``web.shared_results``); the others read it from there, once, then answer from
memory. Brief folders are on disk in the work folder all the processes share, so a brief is
built once whichever process is asked first, and the others read it (see ``_build_brief``).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Query, Request

from lowpolitics.advise.rules import LANGUAGES as ADVICE_LANGUAGES
from lowpolitics.advise.rules import evaluate_rules, load_rules
from lowpolitics.analysis.dataset import Dataset
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.periods import MODES
from lowpolitics.analysis.run_all import analyse_database
from lowpolitics.framework.dates import PartialDate
from lowpolitics.framework.errors import CellError, InputError
from lowpolitics.framework.i18n import translator
from lowpolitics.report.brief import LANGUAGES as BRIEF_LANGUAGES
from lowpolitics.store.audit import generation
from lowpolitics.store.queries import compute_stats
from lowpolitics.web.activity_views import contact_codes
from lowpolitics.web.context import WebContext, web_context
from lowpolitics.web.shared_results import shared_result

T = TypeVar("T")
CACHE_KEY = "lowpolitics.web.analysis_cache"
DEFAULT_HORIZON = 180
ABANDONED_BUILD_SECONDS = 3600  # a brief builds in seconds: an older scratch folder is debris
# the sections of the ``analyse all`` document, in the order the pages list them
SECTIONS = (
    "meta",
    "resilience",
    "survival",
    "recovery",
    "at_risk",
    "continuity",
    "reach",
    "network",
    "index",
    "timeline",
    "discourse",
)
CHARTS = (
    "timeline",
    "mechanism_mix",
    "disruption",
    "survival",
    "reach",
    "continuity",
    "network",
    "discourse_trend",
    "discourse_divergence",
)

_MISSING = object()


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    value: Any = _MISSING


class Memo:
    """Values computed once per (generation, day, key); older generations and days are
    forgotten as soon as a newer one is asked for."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._slots: dict[tuple[tuple[int, date], Hashable], _Slot] = {}
        self._newest: tuple[int, date] = (-1, date.min)

    def get(self, gen: int, key: Hashable, compute: Callable[[], T]) -> T:
        epoch = (gen, date.today())
        with self._guard:
            if epoch > self._newest:
                self._newest = epoch
                self._slots = {k: s for k, s in self._slots.items() if k[0] == epoch}
            # a request that read the generation just before a write landed: answer it, but
            # do not keep a result nobody will ask for again
            slot = self._slots.setdefault((epoch, key), _Slot()) if epoch == self._newest else None
        if slot is None:
            return compute()
        with slot.lock:
            if slot.value is _MISSING:  # a failed computation leaves it missing: next one retries
                slot.value = compute()
            return slot.value

    def __len__(self) -> int:
        return len(self._slots)


def memo(ctx: WebContext) -> Memo:
    # dict.setdefault is atomic for a str key, so two first requests share one Memo
    return ctx.cache.setdefault(CACHE_KEY, Memo())


def current_generation(ctx: WebContext) -> int:
    with ctx.session() as session:
        return generation(session)


# --- options from the query string ---------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The analysis options a request asked for, and the query values that gave them."""

    options: AnalysisOptions = field(default_factory=AnalysisOptions)
    horizon: int = DEFAULT_HORIZON
    given: dict[str, str] = field(default_factory=dict)  # non-default values, for links
    # which cooperative rows are counted (codebook contacts); None: every one, as ``--contact``
    contacts: tuple[str, ...] | None = None

    @property
    def key(self) -> tuple:
        """A hashable key: AnalysisOptions holds a dict (the period rule), so not itself."""
        o = self.options
        rule = o.rule
        return (
            o.date_from,
            o.date_to,
            o.periods_mode,
            rule.min_severity,
            tuple(sorted(rule.base_days.items())),
            rule.days_per_fatality,
            rule.max_days,
            o.small_n,
            o.today(),  # "today" moves at midnight, and with it at-risk and censoring
            self.horizon,
            self.contacts,  # another definition of a cooperative row: another result
        )


def _bad(name: str, value: str, expected: str) -> InputError:
    return InputError([CellError("query", None, name, value, expected)], f"'{name}': {expected}")


def _day(value: str | None, name: str, *, end: bool = False, exact: bool = False) -> date | None:
    if not value:
        return None
    try:
        partial = PartialDate.parse(value.strip())
    except ValueError:
        raise _bad(name, value, "a date YYYY-MM-DD, YYYY-MM or YYYY") from None
    if exact and partial.precision != "day":
        raise _bad(name, value, "a day, YYYY-MM-DD")
    return partial.end if end else partial.start


def selection(
    request: Request,
    date_from: str | None = Query(None, description="YYYY[-MM[-DD]]: first day of the window"),
    date_to: str | None = Query(None, description="YYYY[-MM[-DD]]: last day of the window"),
    periods: str = Query(
        "auto",
        description="tension periods: auto (declared, else derived) | declared | derived | both",
    ),
    as_of: str | None = Query(None, description="YYYY-MM-DD taken as today (default: today)"),
    horizon: int = Query(
        DEFAULT_HORIZON, ge=1, le=3650, description="days ahead for the at-risk list"
    ),
    contact: list[str] | None = Query(
        None,
        description="count only cooperative rows with these contact codes (codebook contacts: "
        "bilateral, multilateral_joint, co_presence, one_sided), repeated or comma-separated; "
        "none: every cooperative row, as without --contact",
    ),
) -> Selection:
    """The options ``lowpolitics analyse`` offers, as query parameters (a FastAPI dependency).
    The period rule stays the default: a rule file on the server is not the caller's to pick."""
    if periods not in MODES:
        raise _bad("periods", periods, f"one of {', '.join(MODES)}")
    contacts = contact_codes(contact, web_context(request).codebook.contact_codes)
    options = AnalysisOptions(
        date_from=_day(date_from, "date_from"),
        date_to=_day(date_to, "date_to", end=True),
        periods_mode=periods,
        as_of=_day(as_of, "as_of", exact=True),
    )
    if options.date_from and options.date_to and options.date_from > options.date_to:
        raise _bad("date_to", date_to or "", "a date on or after date_from")
    given = {
        name: value
        for name, value in (
            ("date_from", date_from),
            ("date_to", date_to),
            ("as_of", as_of),
            ("periods", None if periods == "auto" else periods),
            ("contact", ",".join(contacts) if contacts else None),
            ("horizon", None if horizon == DEFAULT_HORIZON else str(horizon)),
        )
        if value
    }
    return Selection(options, horizon, given, contacts)


# --- cached results ------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """The ``analyse all`` document, the dataset behind it, and the state it describes."""

    document: dict
    dataset: Dataset
    generation: int
    activity_keys: frozenset[str]

    def section(self, name: str) -> dict:
        return self.document[name]


def analysis(ctx: WebContext, chosen: Selection | None = None, gen: int | None = None) -> Analysis:
    chosen = chosen or Selection()
    gen = current_generation(ctx) if gen is None else gen

    def compute() -> Analysis:
        contacts = frozenset(chosen.contacts) if chosen.contacts is not None else None
        document, dataset = analyse_database(
            ctx.engine, ctx.codebook, chosen.options, chosen.horizon, contacts=contacts
        )
        keys = frozenset(a.key for a in dataset.activities)
        return Analysis(document, dataset, gen, keys)

    def shared() -> Analysis:  # one process computes, the others read its file
        key = ("analysis", ctx.codebook.version, chosen.key)
        return shared_result(shared_folder(ctx), gen, key, compute)

    return memo(ctx).get(gen, ("analysis", chosen.key), shared)


def shared_folder(ctx: WebContext) -> Path:
    return ctx.work_dir / "analyses"


def stats(ctx: WebContext, gen: int | None = None) -> dict:
    """``compute_stats(...).as_dict()``: what ``lowpolitics stats`` prints."""
    gen = current_generation(ctx) if gen is None else gen

    def compute() -> dict:
        with ctx.session() as session:
            return compute_stats(session).as_dict()

    return memo(ctx).get(gen, ("stats",), compute)


def advice_language(lang: str) -> str:
    """Recommendations are written in en and ru; other interface languages read English."""
    return lang if lang in ADVICE_LANGUAGES else "en"


def recommendations(
    ctx: WebContext, lang: str, chosen: Selection | None = None, gen: int | None = None
) -> dict:
    """The bundled rules evaluated on the document, as ``lowpolitics recommend`` gives them."""
    chosen = chosen or Selection()
    result = analysis(ctx, chosen, gen)
    lang = advice_language(lang)
    return memo(ctx).get(
        result.generation,
        ("recommendations", chosen.key, lang),
        lambda: evaluate_rules(result.document, load_rules(), lang),
    )


def _chart(name: str, result: Analysis, ctx: WebContext, lang: str, options: AnalysisOptions):
    from lowpolitics.report import charts  # altair: imported when the first chart is drawn

    _ = translator(lang)
    if name == "network":
        from lowpolitics.report.chart_network import network_chart

        return network_chart(result.dataset, ctx.codebook, lang, _, options)
    from lowpolitics.report.chart_discourse import discourse_divergence, discourse_trend

    makers = {
        "discourse_trend": discourse_trend,
        "discourse_divergence": discourse_divergence,
        "timeline": charts.timeline,
        "mechanism_mix": charts.mechanism_mix,
        "disruption": charts.disruption,
        "survival": charts.survival,
        "reach": charts.reach,
        "continuity": charts.continuity,
    }
    return makers[name](result.document, ctx.codebook, lang, _)


def chart_svg(
    ctx: WebContext,
    name: str,
    lang: str,
    chosen: Selection | None = None,
    gen: int | None = None,
) -> str:
    """One of the brief's charts as inline SVG, drawn from the same cached document."""
    if name not in CHARTS:
        raise ValueError(f"no chart '{name}'")
    chosen = chosen or Selection()
    result = analysis(ctx, chosen, gen)

    def compute() -> str:
        from lowpolitics.report.charts import to_svg

        return to_svg(_chart(name, result, ctx, lang, chosen.options), lang)

    return memo(ctx).get(result.generation, ("chart", name, lang, chosen.key), compute)


# --- the brief -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Brief:
    """Both files of one brief, held in memory so that a newer build may replace the folder
    while an older response is still being sent."""

    html: bytes
    pdf: bytes
    generation: int
    lang: str


def brief_folder(ctx: WebContext) -> Path:
    return ctx.work_dir / "briefs"


def _scope_name(contacts: tuple[str, ...] | None) -> str:
    """The folder's part that says which cooperative rows the brief counts."""
    return "all" if contacts is None else "+".join(contacts)


def _folder_name(
    gen: int, lang: str, ctx: WebContext, contacts: tuple[str, ...] | None = None
) -> str:
    day = date.today().isoformat()
    return f"g{gen}-{day}-{lang}-cb{ctx.codebook.version}-{_scope_name(contacts)}"


def _read_brief(folder: Path, gen: int, lang: str) -> Brief | None:
    """Both files of a built brief, or None when the folder is not (or no longer) there."""
    try:
        return Brief(
            (folder / "brief.html").read_bytes(), (folder / "brief.pdf").read_bytes(), gen, lang
        )
    except FileNotFoundError:  # not built yet, or swept by a process that saw a newer state
        return None


def _build_brief(
    ctx: WebContext, gen: int, lang: str, contacts: tuple[str, ...] | None = None
) -> Brief:
    """Build the brief once per state and language, also across server processes: a folder
    is complete before it is renamed into place and never written after, so whoever finds it
    reads a whole brief; whoever builds one serves its own files, even when another process
    finished the same brief first (its rename then fails and is dropped) or sweeps it away
    at once as stale."""
    from lowpolitics.report.build import brief_from_store  # weasyprint: loaded on first brief

    root = brief_folder(ctx)
    root.mkdir(parents=True, exist_ok=True)
    final = root / _folder_name(gen, lang, ctx, contacts)
    brief = _read_brief(final, gen, lang)  # a folder from an earlier run or another process
    if brief is None:
        scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
        try:
            chosen = frozenset(contacts) if contacts is not None else None
            brief_from_store(ctx.engine, ctx.codebook, scratch, lang=lang, contacts=chosen)
            brief = _read_brief(scratch, gen, lang)
            assert brief is not None, "brief_from_store wrote no brief.html or brief.pdf"
            with contextlib.suppress(OSError):  # another process placed the same brief first
                scratch.rename(final)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    for old in root.glob("g*"):  # briefs of older states or days are never asked for again
        number, _, rest = old.name[1:].partition("-")
        if not (old.is_dir() and number.isascii() and number.isdigit()) or old == final:
            continue
        stale = int(number) < gen
        # the same state built on another day ("today" moves the at-risk list): never asked again
        superseded = int(number) == gen and not rest.startswith(date.today().isoformat())
        if stale or superseded:
            shutil.rmtree(old, ignore_errors=True)
    for left in root.glob(".building-*"):  # of a process killed while building
        with contextlib.suppress(OSError):
            if time.time() - left.stat().st_mtime > ABANDONED_BUILD_SECONDS:
                shutil.rmtree(left, ignore_errors=True)
    return brief


def brief(
    ctx: WebContext,
    lang: str,
    gen: int | None = None,
    contacts: tuple[str, ...] | None = None,
) -> Brief:
    """The brief in ``lang`` (en, ru, ky or tg) for the current state, built once per
    definition of a cooperative row (``contacts``: codebook contact codes, as ``brief
    --contact``; None counts every cooperative row)."""
    if lang not in BRIEF_LANGUAGES:
        raise _bad("lang", lang, f"one of {', '.join(BRIEF_LANGUAGES)}: the brief's languages")
    gen = current_generation(ctx) if gen is None else gen
    return memo(ctx).get(
        gen, ("brief", lang, contacts), lambda: _build_brief(ctx, gen, lang, contacts)
    )
