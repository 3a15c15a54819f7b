"""Classifying texts end to end: language, mechanism, frame, status, date, places, and the
words that led there.

``fast`` uses the lexicon only (no embeddings): the mechanism is the code with most evidence,
the frame integrative or securitizing by evidence, else neutral. The full classifier adds the
trained model over sentence embeddings and lexicon features. A frame other than neutral needs
words that frame or a sure model (``frame_threshold``). The status is read from the status
cues in their sentences (:mod:`lowpolitics.text.statuses`) and carries that sentence; without a
cue the full classifier may name one when its probability clears ``status_threshold``, else the
status is ``n/a`` (it abstains), as it always is in fast mode without a cue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lowpolitics.framework.codebook import Codebook, load_codebook
from lowpolitics.framework.dates import first_day
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.text.embeddings import embed
from lowpolitics.text.langid import identify_lang
from lowpolitics.text.langid_letters import identify_lang_fast
from lowpolitics.text.lexicon import NEUTRAL, NO_MECHANISM, LexiconCoder
from lowpolitics.text.model import Model
from lowpolitics.text.options import TextOptions


@dataclass
class TextInput:
    id: str
    text: str
    lang: str | None = None
    date: str | None = None


def lexicon_codes(codebook: Codebook) -> list[str]:
    """The codes whose lexicon evidence becomes model features, in a fixed order."""
    with_terms = set((codebook.lexicon or {}).get("codes") or {})
    return [c for c in codebook.classifier_mechanisms + codebook.frame_codes if c in with_terms]


def lexicon_features(scores: dict[str, float], codes: list[str], weight: float = 1.0) -> np.ndarray:
    """Log-counts of lexicon evidence, scaled against the unit-length embedding."""
    return weight * np.log1p(np.array([scores.get(c, 0.0) for c in codes], dtype=np.float64))


def lexicon_mechanism(scores: dict[str, float], classes: list[str]) -> np.ndarray:
    """The lexicon's mechanism evidence as a distribution over ``classes``: each code's share of
    the evidence; a text with no mechanism evidence at all is the lexicon's ``none``."""
    vector = np.array(
        [scores.get(c, 0.0) if c != NO_MECHANISM else 0.0 for c in classes], dtype=np.float64
    )
    total = vector.sum()
    if total > 0:
        return vector / total
    if NO_MECHANISM in classes:
        vector[classes.index(NO_MECHANISM)] = 1.0
    return vector


def combined_mechanism(
    probabilities: np.ndarray, classes: list[str], scores: dict[str, float], weight: float
) -> np.ndarray:
    """The model's mechanism probabilities plus ``weight`` times the lexicon's distribution,
    renormalised to sum to one (``weight`` 0: the model alone)."""
    if weight <= 0:
        return probabilities
    combined = probabilities + weight * lexicon_mechanism(scores, classes)
    return combined / combined.sum()


def framed(label: str, probability: float, coding, threshold: float) -> str:
    """The frame of a text stands on words that frame it: the lexicon's frame (names guarded,
    a tie is neutral) when it has evidence; without evidence the model's integrative or
    securitizing only when it is at least ``threshold`` sure; otherwise neutral — the topic of
    a text is not its frame."""
    if coding.frame != NEUTRAL:
        return coding.frame
    if label != NEUTRAL and probability >= threshold:
        return label
    return NEUTRAL


def _ranked(scores: dict[str, float], codes: list[str]) -> list[dict]:
    ranked = sorted(((scores.get(c, 0.0), c) for c in codes), key=lambda x: -x[0])
    total = sum(s for s, _ in ranked) or 1.0
    return [{"code": c, "score": round(s / total, 4)} for s, c in ranked if s > 0]


class Classifier:
    """Holds the lexicon coder, the gazetteer and (for the full mode) the trained model."""

    def __init__(
        self,
        model: Model | None = None,
        fast: bool = False,
        codebook: Codebook | None = None,
        options: TextOptions | None = None,
    ):
        self.fast = fast or model is None
        self.model = model
        self.options = options or TextOptions()
        self.codebook = codebook or load_codebook()
        self.coder = LexiconCoder(self.codebook.lexicon, stem_cache=self.options.word_cache)
        self.gazetteer = load_gazetteer()
        self._folded: dict[str, str] = {}  # word → gazetteer key, across texts (bounded)

    def _model_outputs(self, items: list[TextInput], codings: list) -> dict[str, np.ndarray]:
        features = np.hstack(
            [
                embed([item.text for item in items], self.options.embed_batch).astype(np.float64),
                np.vstack(
                    [
                        lexicon_features(
                            c.scores, self.model.lexicon_codes, self.model.lexicon_weight
                        )
                        for c in codings
                    ]
                ),
            ]
        )
        return self.model.probabilities(features, [item.text for item in items])

    def classify_many(self, items: list[TextInput]) -> list[dict]:
        from lowpolitics.text.datelines import dateline_mention, find_dateline
        from lowpolitics.text.dates import event_mention
        from lowpolitics.text.place_context import read_places
        from lowpolitics.text.places import extract_places
        from lowpolitics.text.statuses import NO_STATUS, read_status

        # the opening of a long text tells its language; --fast reads a shorter one, and lets
        # its letters decide where they can (text/langid_letters.py)
        if self.fast:
            prefix, identifier = self.options.fast_langid_prefix, identify_lang_fast
        else:
            prefix, identifier = self.options.langid_prefix, identify_lang
        langs = [item.lang or identifier(item.text[:prefix]) for item in items]
        if len(self._folded) > self.options.word_cache:
            self._folded.clear()
        codings = [self.coder.code(i.text, lang) for i, lang in zip(items, langs, strict=True)]
        probabilities = self._model_outputs(items, codings) if not self.fast and items else {}
        results = []
        for i, (item, lang, coding) in enumerate(zip(items, langs, codings, strict=True)):
            model_status, model_p, frame_p = NO_STATUS, 0.0, None
            if self.fast:
                ranked = _ranked(coding.scores, self.codebook.classifier_mechanisms)
                mechanism = coding.mechanism if ranked else NO_MECHANISM
                frame = coding.frame
            else:
                tasks = self.model.tasks
                p = combined_mechanism(
                    probabilities["mechanism"][i],
                    tasks["mechanism"].classes,
                    coding.scores,
                    self.model.mechanism_lexicon_weight,
                )
                ranked = [
                    {"code": tasks["mechanism"].classes[j], "score": round(float(p[j]), 4)}
                    for j in np.argsort(-p)
                ]
                mechanism = ranked[0]["code"]
                best = int(np.argmax(probabilities["frame"][i]))
                frame_p = float(probabilities["frame"][i][best])
                frame = framed(
                    tasks["frame"].classes[best], frame_p, coding, self.options.frame_threshold
                )
                if "status" in tasks:
                    best = int(np.argmax(probabilities["status"][i]))
                    model_status = tasks["status"].classes[best]
                    model_p = float(probabilities["status"][i][best])
            reading = read_status(item.text, lang)
            if reading.cue is not None:
                status, basis = reading.status, "cue"
            elif model_status != NO_STATUS and model_p >= self.options.status_threshold:
                status, basis = model_status, "model"
            else:
                status, basis = NO_STATUS, "none"
            cues = reading.cues
            reference = first_day(item.date)
            line = find_dateline(item.text, lang, reference)
            if line is not None and reference is None:
                reference = line.date  # the dateline dates the document, not the event
            skip = line.end if line is not None else 0
            when = event_mention(item.text, lang, reference, skip_before=skip)
            if when is None:  # a dated report with no other date: the dateline dates its event
                when = dateline_mention(item.text, line)
            places = [
                p
                for p in read_places(
                    item.text,
                    extract_places(item.text, self.gazetteer, lang, self._folded),
                    self.gazetteer,
                )
                if line is None or not (line.place_start <= p.start < line.place_end)
            ]
            evidence = [
                {"code": e.code, "term": e.term, "start": e.start, "end": e.end}
                for e in coding.evidence
            ]
            evidence += [
                {
                    "code": f"status:{c.status}",
                    "term": c.term,
                    "start": c.start,
                    "end": c.end,
                    **({"read_as": c.why} if c.why else {}),
                }
                for c in cues
            ]
            results.append(
                {
                    "id": item.id,
                    "lang": lang,
                    "mechanism": mechanism,
                    "mechanisms": ranked,
                    "frame": frame,
                    "frame_probability": round(frame_p, 4) if frame_p is not None else None,
                    "status": status,
                    "status_basis": basis,
                    "status_sentence": reading.sentence or None,
                    "status_probability": round(model_p, 4) if basis == "model" else None,
                    "event_date": when.date.isoformat() if when else None,
                    "event_date_evidence": (
                        {"term": when.text, "start": when.start, "end": when.end} if when else None
                    ),
                    "dateline": (
                        {
                            "place": line.place,
                            "date": line.date.isoformat() if line.date else None,
                            "start": line.start,
                            "end": line.end,
                        }
                        if line
                        else None
                    ),
                    "places": list(dict.fromkeys(p.name_en for p in places)),
                    "place_evidence": [
                        {"name": p.name_en, "term": p.text, "start": p.start, "end": p.end}
                        for p in places
                    ],
                    "evidence": evidence,
                }
            )
        return results
