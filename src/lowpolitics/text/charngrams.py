"""Character n-grams within words, hashed into a fixed number of columns.

Kyrgyz and Tajik glue case, number and possession onto the stem («Баткенде», «Баткендеги»,
«ҳамкориҳо», «ҳамкориро»), so a word-level vocabulary sees each form once; the n-grams of a
word ("ҳам", "амк", "кор" …) are shared by all its forms and by the stem in other texts. The
text is put in its matching form first (``normalize``: case, ё/е, Latin look-alikes, the
keyboard substitutes for ҳ ҷ ӣ ӯ қ ғ ң ө ү), so "ҳамкорӣ" and "хамкори" give the same n-grams.
Each word is padded with a space on both sides so that its beginning and end are n-grams of
their own; digits are left out (dates and figures say nothing about the mechanism).

Hashing (CRC-32 of the n-gram modulo ``dim``) needs no vocabulary in the model file: the file
stores only the number of columns, the n-gram lengths and the weight, and the classifier
computes the same columns with the standard library and numpy. Counts are log-scaled
(``log1p``) and each row is scaled to unit length, then by ``weight``, so a block of n-grams
weighs against the unit-length sentence embedding as the weight says.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lowpolitics.text.normalize import normalize

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class CharNgrams:
    dim: int  # hashed columns
    min_n: int  # shortest n-gram (the padding spaces count)
    max_n: int  # longest n-gram
    weight: float  # the block's length against the unit-length embedding

    def to_json(self) -> dict:
        return {"dim": self.dim, "min_n": self.min_n, "max_n": self.max_n, "weight": self.weight}

    @classmethod
    def from_json(cls, data: Mapping) -> CharNgrams:
        spec = cls(int(data["dim"]), int(data["min_n"]), int(data["max_n"]), float(data["weight"]))
        if spec.dim < 1 or not 1 <= spec.min_n <= spec.max_n:
            raise ValueError(f"character n-grams {data}: impossible sizes")
        return spec

    def ngrams(self, text: str) -> Counter:
        """The n-grams of every word of ``text``'s matching form, with their counts."""
        counts: Counter = Counter()
        for word in _WORD.findall(normalize(text)):
            padded = f" {word} "
            for n in range(self.min_n, self.max_n + 1):
                for i in range(len(padded) - n + 1):
                    counts[padded[i : i + n]] += 1
        return counts

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """One row of ``dim`` columns per text (see the module docstring)."""
        matrix = np.zeros((len(texts), self.dim), dtype=np.float64)
        for row, text in enumerate(texts):
            for gram, count in self.ngrams(text).items():
                matrix[row, zlib.crc32(gram.encode("utf-8")) % self.dim] += count
        np.log1p(matrix, out=matrix)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return self.weight * matrix / np.where(norms == 0, 1, norms)
