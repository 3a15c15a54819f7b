"""The one stored form of a text: NFC, LF line ends. Every offset refers to this form."""

from __future__ import annotations

import hashlib
import unicodedata


def clean_text(text: str) -> str:
    """NFC and LF line ends: the form every code-point offset refers to."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def text_hash(text: str) -> str:
    """Identity of a document: the same text, however it was encoded or broken into lines."""
    return hashlib.sha256(clean_text(text).encode("utf-8")).hexdigest()
