"""Full-text search over the corpus, with keyword-in-context snippets, on SQLite and PostgreSQL.

The database index only *proposes* documents: FTS5 (``documents_fts``, revision 0002) on
SQLite, the GIN index on ``to_tsvector('simple', …)`` on PostgreSQL. The two tokenise a little
differently (FTS5 folds diacritics, so "ӣ" meets "и"; PostgreSQL keeps "example.org" whole and
splits "чыр-чатак" three ways), so every proposal is checked here, in Python, against the
stored text with one rule for both backends — that rule decides what matches, where the
snippets are and the score. That is why results are the same on both backends, and why KWIC
offsets are code points into ``Document.text`` exactly.

Query language (all terms must match, in the title or the text):

- ``фестиваль`` — a bare word is stemmed (``stem(word, lang)``) and matched as a *prefix of its
  stem*, so it also finds "фестиваля", "фестивалей", "фестивалында", "фестивалҳо";
- ``фест*`` — an explicit prefix, not stemmed;
- ``"дни культуры"`` — a phrase: these words, in this order, exactly (``"дни культур"*`` lets
  the last word be a prefix). «…» and “…” quote too.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import column, select, text
from sqlalchemy.orm import Session

from lowpolitics.framework.errors import ConfigError
from lowpolitics.store.models import Document
from lowpolitics.text.langid import identify
from lowpolitics.text.stemming import MIN_STEM, SUPPORTED_LANGUAGES, stem

# Must stay the expression of revision 0002's index, or PostgreSQL will not use the index.
PG_VECTOR = "to_tsvector('simple', coalesce(title, '') || ' ' || text)"
# What both FTS5 (unicode61) and PostgreSQL treat as a word: letters and digits.
_WORD = re.compile(r"[^\W_]+")
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_CHUNK = re.compile(r'"([^"]*)"(\*?)|([^\s"]+)')
# Inflection changes a final vowel or soft sign ("культура" → "культуры", "фестиваль" →
# "фестиваля"), so a key ending in one would miss most forms of its word.
_UNSTABLE_END = frozenset("аеёиоуыэюяьъйөүӣӯ")
_KY_LETTERS = frozenset("өүң")
_TG_LETTERS = frozenset("ӣӯҷҳқғ")
MIN_PREFIX = 2
TITLE_WEIGHT = 2  # a match in the title counts as much as this many in the text


@dataclass(frozen=True)
class Term:
    """One query term: words that must follow each other; the last maybe only a prefix."""

    words: tuple[str, ...]
    prefix: bool
    typed: str  # as the user wrote it, for messages


@dataclass(frozen=True)
class Snippet:
    """One match in a document's text with its context; offsets are code points, end exclusive.

    ``text[start:end] == match`` and ``text[context_start:start] == left``.
    """

    start: int
    end: int
    match: str
    left: str
    right: str
    context_start: int


@dataclass(frozen=True)
class SearchHit:
    document_id: int
    key: str
    title: str | None
    language: str | None
    published_on: date | None
    score: float
    snippets: tuple[Snippet, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "document_id": self.document_id,
            "key": self.key,
            "title": self.title,
            "language": self.language,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "score": self.score,
            "snippets": [snippet.__dict__ for snippet in self.snippets],
        }


# --- the query --------------------------------------------------------------------------------


def query_language(query: str) -> str:
    """The language to stem the query in when none is given.

    Queries are short, and the language identifier refuses texts under two words, so its
    verdict is taken when it names a language we stem; else the letters decide (Kyrgyz or
    Tajik marker letters, any other Cyrillic → ru, Latin → en).
    """
    guess = identify(query)
    if guess.lang in SUPPORTED_LANGUAGES:
        return guess.lang
    letters = set(query.lower())
    if letters & _KY_LETTERS:
        return "ky"
    if letters & _TG_LETTERS:
        return "tg"
    if any("а" <= ch <= "я" or ch == "ё" for ch in letters):
        return "ru"
    return "en"


def search_key(word: str, lang: str) -> str:
    """The prefix a bare query word is searched by: its stem, cut back to what its forms share.

    Russian stems are lemmas ("фестивалей" → "фестиваль"), which need not be a prefix of the
    word, so the key is the part stem and word have in common; then a final vowel or soft
    sign is dropped. Never below ``MIN_STEM`` letters: then the word itself is the key.
    """
    lowered = word.lower()
    key = stem(lowered, lang)
    if not lowered.startswith(key):
        common = os.path.commonprefix([key, lowered])
        key = common if len(common) >= MIN_STEM else lowered
    if key and key[-1] in _UNSTABLE_END and len(key) - 1 >= MIN_STEM:
        key = key[:-1]
    return key


def parse_query(query: str, lang: str) -> list[Term]:
    """The terms of ``query`` (module docstring); a :class:`ConfigError` says what is wrong."""
    if not query or not query.strip():
        raise ConfigError("empty search query: give at least one word")
    normal = query.translate(_QUOTES)
    if normal.count('"') % 2:
        raise ConfigError(f"search query {query!r}: a quotation mark is not closed")
    terms: list[Term] = []
    for match in _CHUNK.finditer(normal):
        phrase, phrase_star, bare = match.groups()
        if bare is None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            if not words:
                raise ConfigError(f'search query {query!r}: the phrase "{phrase}" has no words')
            terms.append(Term(words, bool(phrase_star), match.group()))
            continue
        star = bare.endswith("*")
        body = bare[:-1] if star else bare
        if "*" in body:
            raise ConfigError(
                f"search query {query!r}: '*' may only end a word ('{bare}' has it inside)"
            )
        words = tuple(w.lower() for w in _WORD.findall(body))
        if not words:
            if star:
                raise ConfigError(f"search query {query!r}: '*' must follow a word")
            continue  # stray punctuation such as "-" or "—"
        if star and len(words[-1]) < MIN_PREFIX:
            raise ConfigError(
                f"search query {query!r}: prefix '{bare}' is too short "
                f"(at least {MIN_PREFIX} letters before '*')"
            )
        if len(words) > 1 or star:  # "чыр-чатак" is searched as the phrase "чыр чатак"
            terms.append(Term(words, star, bare))
        else:
            terms.append(Term((search_key(words[0], lang),), True, bare))
    if not terms:
        raise ConfigError(f"search query {query!r} has no words to search for")
    return terms


def fts5_query(terms: list[Term]) -> str:
    """The FTS5 MATCH expression: each term a quoted phrase, prefixes starred, all ANDed."""
    return " AND ".join(f'"{" ".join(t.words)}"' + (" *" if t.prefix else "") for t in terms)


def pg_tsquery(terms: list[Term]) -> str:
    """The ``to_tsquery('simple', …)`` text: every word ANDed (adjacency is checked later)."""
    parts = []
    for term in terms:
        for i, word in enumerate(term.words):
            last = i == len(term.words) - 1
            parts.append(f"'{word}'" + (":*" if last and term.prefix else ""))
    return " & ".join(parts)


# --- matching in the stored text ----------------------------------------------------------------


def _tokens(value: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(value)]


def find_term(term: Term, toks: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` where ``term`` occurs among the tokens of one text."""
    n = len(term.words)
    *head, last = term.words
    spans = []
    for i in range(len(toks) - n + 1):
        if any(toks[i + j][0] != word for j, word in enumerate(head)):
            continue
        token = toks[i + n - 1][0]
        if token.startswith(last) if term.prefix else token == last:
            spans.append((toks[i][1], toks[i + n - 1][2]))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippets(value: str, spans: list[tuple[int, int]], window: int) -> tuple[Snippet, ...]:
    """Keyword-in-context for each span: ``window`` code points either side."""
    result = []
    for start, end in _merge(spans):
        context_start = max(0, start - window)
        result.append(
            Snippet(
                start=start,
                end=end,
                match=value[start:end],
                left=value[context_start:start],
                right=value[end : end + window],
                context_start=context_start,
            )
        )
    return tuple(result)


def score_and_spans(
    terms: list[Term], title: str | None, body: str
) -> tuple[float, list[tuple[int, int]]] | None:
    """The relevance of one document and the spans matched in its text; None if a term fails.

    Relevance uses nothing but the document itself (so it cannot differ between backends):
    the sum over terms of 1 + log(hits), title hits weighted, damped by the text's length.
    """
    body_toks = _tokens(body)
    title_toks = _tokens(title or "")
    total = 0.0
    spans: list[tuple[int, int]] = []
    for term in terms:
        in_body = find_term(term, body_toks)
        hits = len(in_body) + TITLE_WEIGHT * len(find_term(term, title_toks))
        if hits == 0:
            return None
        total += 1 + math.log(hits)
        spans += in_body
    return round(total / (1 + math.log1p(len(body_toks) / 250)), 6), spans


# --- the search -------------------------------------------------------------------------------


def search(
    session: Session,
    query: str,
    *,
    lang: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    window: int = 60,
) -> list[SearchHit]:
    """Documents matching ``query``, best first (relevance, then newest, then id).

    ``lang`` restricts the search to documents in that language and is the language the
    query's words are stemmed in (detected from the query when not given). ``date_from`` and
    ``date_to`` bound ``published_on`` inclusively; undated documents drop out when either is
    given.
    """
    if limit < 1:
        raise ConfigError(f"search limit {limit}: must be at least 1")
    if window < 0:
        raise ConfigError(f"search window {window}: must not be negative")
    if date_from and date_to and date_from > date_to:
        raise ConfigError(f"search dates: {date_from} comes after {date_to}")
    terms = parse_query(query, lang or query_language(query))

    candidates = select(
        Document.id,
        Document.key,
        Document.title,
        Document.language,
        Document.published_on,
        Document.text,
    )
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        matching = text("SELECT rowid FROM documents_fts WHERE documents_fts MATCH :fts")
        candidates = candidates.where(
            Document.id.in_(matching.columns(column("rowid")).bindparams(fts=fts5_query(terms)))
        )
    elif dialect == "postgresql":
        candidates = candidates.where(
            text(f"{PG_VECTOR} @@ to_tsquery('simple', :tsquery)").bindparams(
                tsquery=pg_tsquery(terms)
            )
        )
    else:  # pragma: no cover - resolve_url admits no other database
        raise ConfigError(f"full-text search is not available on {dialect}")
    if lang:
        candidates = candidates.where(Document.language == lang)
    if date_from:
        candidates = candidates.where(Document.published_on >= date_from)
    if date_to:
        candidates = candidates.where(Document.published_on <= date_to)

    hits = []
    for row in session.execute(candidates):
        checked = score_and_spans(terms, row.title, row.text)
        if checked is None:
            continue  # the index's tokeniser was more generous than the rule here
        score, spans = checked
        hits.append(
            SearchHit(
                document_id=row.id,
                key=row.key,
                title=row.title,
                language=row.language,
                published_on=row.published_on,
                score=score,
                snippets=snippets(row.text, spans, window),
            )
        )
    hits.sort(
        key=lambda h: (
            -h.score,
            -(h.published_on.toordinal() if h.published_on else 0),
            h.document_id,
        )
    )
    return hits[:limit]
