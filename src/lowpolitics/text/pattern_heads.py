"""What every match of a pattern begins with, read off the pattern's text.

A reader that runs a dozen regular expressions over every text spends its time in texts and
at places where none of them can match. When each match must begin with one of a few literal
strings ("перен", "postpon", "баргуз"), one Aho–Corasick pass over the case-folded text finds
the only places worth trying, and the expression is tried there alone
(:func:`~lowpolitics.text.date_patterns.matches_at`): the same matches, far less work.

:func:`heads` understands the small part of the regular-expression syntax the cue and date
phrases use — literals, classes of plain letters, ``(?:…|…)`` groups and ``?`` — and stops
reading at anything else (a space, which becomes ``\\s+``, a ``\\p{L}``, a repetition, a
lookaround). What it returns is therefore always a prefix of every possible match, only
sometimes shorter than it could be; a pattern it cannot read at all gets ``None`` and is run
over the whole text as before.
"""

from __future__ import annotations

from itertools import product

__all__ = ["heads", "required"]

_LONGEST = 6  # characters of a head kept: enough to be rare, few enough to stay a small set
_SHORTEST = 2  # a head shorter than this would fire almost everywhere: no gate then
_MOST = 64  # heads of one pattern beyond which the set is not worth keeping
_RARE = 3  # a required literal shorter than this is in nearly every text: no gate then

Atom = frozenset[str] | None  # the strings one piece can match, or None: unknown, stop here


def _class(body: str) -> Atom:
    """A ``[...]`` class of plain characters as a set; anything subtler is unknown."""
    if not body or body[0] == "^" or any(ch in "\\-[" for ch in body):
        return None
    return frozenset(body)


def _closing(pattern: str, i: int) -> int:
    """The index just after the group opened at ``pattern[i]`` (``(``)."""
    depth, j = 0, i
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = pattern.index("]", j + 1) + 1
            continue
        depth += ch == "("
        depth -= ch == ")"
        j += 1
        if depth == 0:
            return j
    raise ValueError(f"unbalanced group in {pattern!r}")


def _split(body: str) -> list[str]:
    """The top-level alternatives of ``body``."""
    parts, depth, start, j = [], 0, 0, 0
    while j < len(body):
        ch = body[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = body.index("]", j + 1) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(body[start:j])
            start = j + 1
        j += 1
    parts.append(body[start:])
    return parts


def _atoms(pattern: str) -> list[Atom]:
    """The pieces of one alternative, in order, up to the first one that is unknown."""
    atoms: list[Atom] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "(":
            end = _closing(pattern, i)
            inner = pattern[i + 1 : end - 1]
            if not inner.startswith("?:"):
                return [*atoms, None]  # a lookaround or a named group: stop reading
            group, whole = _alternatives(inner[2:])
            atom: Atom = group
            i = end
            if not whole:  # the group's strings are only the beginnings of what it matches
                quantifier = pattern[i : i + 1]
                if quantifier == "?":
                    atom = group | {""}
                elif quantifier in ("*", "+", "{"):
                    return [*atoms, None]
                return [*atoms, atom, None]
        elif ch == "[":
            end = pattern.index("]", i + 1)
            atom = _class(pattern[i + 1 : end])
            i = end + 1
        elif ch == "\\":
            following = pattern[i + 1 : i + 2]
            atom = frozenset(following) if following and not following.isalnum() else None
            i += 2
        elif ch in " .^$|)*+{?":
            atom = None
            i += 1
        else:
            atom = frozenset(ch)
            i += 1
        quantifier = pattern[i : i + 1]
        if quantifier in ("*", "+", "{"):
            return [*atoms, None]
        if quantifier == "?":
            atom = None if atom is None else atom | {""}
            i += 1
            if pattern[i : i + 1] in ("?", "+"):  # lazy or possessive: same strings
                i += 1
        atoms.append(atom)
        if atom is None:
            return atoms
    return atoms


def _prefixes(atoms: list[Atom]) -> tuple[frozenset[str], bool]:
    """Every string the known pieces can begin with, cut at ``_LONGEST`` characters, and
    whether those are whole matches (nothing was cut or left unread)."""
    found = frozenset({""})
    whole = True
    for atom in atoms:
        if atom is None:
            return found, False
        longer = frozenset(s + a for s, a in product(found, atom))
        if len(longer) > _MOST:
            return found, False
        if any(len(s) > _LONGEST for s in longer):
            return frozenset(s[:_LONGEST] for s in longer), False
        found = longer
    return found, whole


def _alternatives(body: str) -> tuple[frozenset[str], bool]:
    """The beginnings of the alternatives of ``body`` and whether they are all whole."""
    found: set[str] = set()
    whole = True
    for part in _split(body):
        beginnings, complete = _prefixes(_atoms(part))
        found |= beginnings
        whole = whole and complete
    return frozenset(found), whole


def heads(pattern: str) -> frozenset[str] | None:
    """Case-folded strings one of which begins every match of ``pattern`` (matched with
    IGNORECASE); ``None`` when the pattern can begin with a string shorter than two
    characters or too many different ones to be worth looking for."""
    found, _ = _alternatives(pattern)
    if not found or len(found) > _MOST or min(map(len, found)) < _SHORTEST:
        return None
    return frozenset(h.casefold() for h in found)


def _longest_run(part: str) -> str | None:
    """The longest run of plain characters outside groups and classes, neither optional nor
    repeated, in one alternative: every match of it contains that run."""
    best, run, i = "", "", 0
    while i < len(part):
        ch = part[i]
        if ch in "([\\ .^$|)":
            best, run = max(best, run, key=len), ""
            if ch == "(":
                i = _closing(part, i)
            elif ch == "[":
                i = part.index("]", i + 1) + 1
            elif ch == "\\":
                i += 2
                if part[i - 1 : i] in ("p", "P", "N") and part[i : i + 1] == "{":
                    i = part.index("}", i) + 1
            else:
                i += 1
            continue
        if ch in "?*+{":  # the character before is optional or repeated
            best, run = max(best, run[:-1], key=len), ""
            i = part.index("}", i) + 1 if ch == "{" else i + 1
            continue
        run += ch
        i += 1
    best = max(best, run, key=len)
    return best if len(best) >= _RARE else None


def required(pattern: str) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` (matched with IGNORECASE)
    contains somewhere: for a pattern without :func:`heads` ("…мокчу", "в сокращённом
    формате"), a text whose case folding contains none of them cannot match, and is not
    scanned. ``None`` when some alternative has no such string of three characters or more.
    Case folding works letter by letter, so a text that matches contains the folded string
    in its own folding, whatever its length."""
    found: set[str] = set()
    for part in _split(pattern):
        if part.startswith("(?:") and _closing(part, 0) == len(part):
            inner = required(part[3:-1])  # an alternative that is one group: its own
            if inner is None:
                return None
            found |= inner
            continue
        run = _longest_run(part)
        if run is None:
            return None
        found.add(run.casefold())
    return frozenset(found)
