"""py3langid's model, reading a text word by word instead of byte by byte.

py3langid finds its features by walking a byte automaton over the text in a Python loop, one
step per byte: most of the time of language identification in ``classify --fast``, where the
bench's mixed texts leave the model to decide. News repeats its words, so the walk over one
word from one state is remembered — the state it ends in and the features it passed, in
order — and a text is read as a few dozen look-ups. The features come out in the same order
with the same counts as py3langid's own walk, so the scores are the same to the last bit
(``tests/test_text_fast.py`` compares them).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from lowpolitics.text.langid_model import load_model_arrays

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["word_walking_identifier"]

_MEMO = 50_000  # (state, word) walks remembered; emptied when full, so memory stays bounded


def _walk(nextmove, rowbase, output, state: int, chunk: bytes) -> tuple[int, tuple[int, ...]]:
    """py3langid's ``visit_counts`` loop over one chunk from ``state``: where it ends and the
    features it visits, in order."""
    visited = []
    for byte in chunk:
        state = nextmove[rowbase[state] + byte]
        feature = output[state]
        if feature >= 0:
            visited.append(feature)
    return state, tuple(visited)


def word_walking_identifier(model_file: str, **kwargs) -> LanguageIdentifier:
    """A py3langid ``LanguageIdentifier`` whose feature walk remembers words (module doc)."""
    from py3langid.langid import LanguageIdentifier

    class _WordWalking(LanguageIdentifier):
        __slots__ = ("_walks",)

        def _raw_score(self, text):  # the library's method, with the walk replaced
            features = self._features(text)
            if features:
                return self._sparse_score(features, self.nb_ptc)
            return super()._raw_score(text)  # no features: the library's own fallback

        def _features(self, data: bytes) -> Counter[int] | None:
            walks = self._walks
            if len(walks) > _MEMO:
                walks.clear()
            nextmove, rowbase, output = self.tk_nextmove, self._rowbase, self.tk_output
            state, visited = 0, []
            chunks = data.split(b" ")
            last = len(chunks) - 1
            for i, chunk in enumerate(chunks):
                if i < last:
                    chunk += b" "
                key = (state, chunk)
                walked = walks.get(key)
                if walked is None:
                    walked = walks[key] = _walk(nextmove, rowbase, output, state, chunk)
                state = walked[0]
                visited.extend(walked[1])
            return Counter(visited) if visited else None

    # the arrays py3langid's from_model_file would read, unpacked once into the cache
    ptc, pc, classes, nextmove, row, output = load_model_arrays(model_file)
    identifier = _WordWalking(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, tk_row=row, **kwargs
    )
    identifier._walks = {}
    return identifier
