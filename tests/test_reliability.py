"""Agreement statistics against answers computed by hand and published ones."""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest

from lowpolitics.analysis.reliability import reliability
from lowpolitics.framework.errors import ConfigError, NotFoundError
from lowpolitics.store.corpus import DocumentMeta, add_coding, add_document, ensure_code
from lowpolitics.store.db import session_scope

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C:
# nominal data, 4 observers (A-D) x 12 units, with missing values; alpha = 0.743.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
TEN = " ".join(f"Sentence {w}." for w in WORDS)


def _sentence_span(text: str, n: int) -> tuple[int, int]:
    start = 0
    for _ in range(n):
        start = text.index(". ", start) + 2
    end = text.index(".", start) + 1
    return start, end


def _kappa_doc(session):
    """Ten sentences; A codes sentences 0-4, B codes 0-3 and 5 (code 'x')."""
    doc, _ = add_document(session, TEN, DocumentMeta(key="ten", language="en"))
    code = ensure_code(session, "x")
    for coder, units in (("A", [0, 1, 2, 3, 4]), ("B", [0, 1, 2, 3, 5])):
        for n in units:
            add_coding(session, doc, code, *_sentence_span(TEN, n), coder)
    return doc


def test_cohen_kappa_hand_computed_2x2(engine):
    # both yes 4, A only 1, B only 1, both no 4: po = .8, pe = .5*.5 + .5*.5 = .5, kappa = .6
    with session_scope(engine) as session:
        _kappa_doc(session)
        result = reliability(session, ["A", "B"])
    x = result["by_code"]["x"]
    assert x["n_units"] == 10
    assert x["percent_agreement"] == pytest.approx(0.8)
    assert x["cohen_kappa"] == pytest.approx(0.6)
    # overall = the set of codes per unit; with one code it is the same variable
    assert result["overall"]["cohen_kappa"] == pytest.approx(0.6)
    assert result["overall"]["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(
            reliability_data=[[1] * 5 + [0] * 5, [1, 1, 1, 1, 0, 1, 0, 0, 0, 0]],
            level_of_measurement="nominal",
        )
    )
    # disagreements: sentences 4 and 5
    spans = [(d["start"], d["end"]) for d in result["disagreements"]]
    assert spans == [_sentence_span(TEN, 4), _sentence_span(TEN, 5)]
    first = result["disagreements"][0]
    assert first["document"] == "ten"
    assert first["text"] == "Sentence five."
    assert first["codes"] == {"A": ["x"], "B": []}
    json.dumps(result)  # the result is plain JSON


def test_krippendorff_2011_through_the_package():
    value = krippendorff.alpha(reliability_data=K2011, level_of_measurement="nominal")
    assert round(value, 3) == 0.743


def test_krippendorff_2011_through_the_store(engine):
    coders = ["A", "B", "C", "D"]
    keys = []
    with session_scope(engine) as session:
        for u in range(12):
            text = f"Unit {u + 1} of the published example."
            doc, _ = add_document(session, text, DocumentMeta(key=f"u{u + 1:02d}", language="en"))
            keys.append(doc.key)
            for c, coder in enumerate(coders):
                value = K2011[c][u]
                if not np.isnan(value):
                    code = ensure_code(session, f"v{int(value)}")
                    add_coding(session, doc, code, 0, len(text), coder)
        result = reliability(session, coders, documents=keys)
        # without naming documents only those all four coded count (units 2-9)
        default = reliability(session, coders)
    overall = result["overall"]
    assert round(overall["krippendorff_alpha"], 3) == 0.743
    assert overall["cohen_kappa"] is None  # four coders
    # pairwise agreement per unit: 1, .5, 1, 1, 1, 0, 1, .5, 1, 1, 1 (unit 12 has one coder)
    assert overall["n_units"] == 11
    assert overall["percent_agreement"] == pytest.approx(9 / 11)
    assert overall["unanimous"] == pytest.approx(8 / 11)
    assert default["documents"] == [f"u{u:02d}" for u in range(2, 10)]
    assert default["overall"]["n_units"] == 8
    # per code: v5 is present only in unit 10, where everybody present agrees
    assert result["by_code"]["v5"]["percent_agreement"] == pytest.approx(1.0)
    assert len(result["disagreements"]) == 3  # units 2, 6, 8
    assert result["disagreements"][0]["codes"] == {
        "A": ["v2"],
        "B": ["v2"],
        "C": ["v3"],
        "D": ["v2"],
    }
    missing = next(d for d in result["disagreements"] if d["document"] == "u06")
    assert set(missing["codes"]) == set(coders)


def test_segment_versus_character_units(engine):
    text = "Aaaa. Bbbb."
    with session_scope(engine) as session:
        doc, _ = add_document(session, text, DocumentMeta(key="ab", language="en"))
        code = ensure_code(session, "c")
        add_coding(session, doc, code, 0, 5, "X")
        add_coding(session, doc, code, 0, 3, "Y")
        whole = ensure_code(session, "d")  # both code everything: no variation
        add_coding(session, doc, whole, 0, 11, "X")
        add_coding(session, doc, whole, 0, 11, "Y")
        seg = reliability(session, ["X", "Y"], unit="segment")
        char = reliability(session, ["X", "Y"], unit="character")
    # both coded sentence 1 with c and neither sentence 2: full agreement
    assert seg["overall"]["n_units"] == 2
    assert seg["overall"]["percent_agreement"] == 1.0
    assert seg["by_code"]["c"]["krippendorff_alpha"] == pytest.approx(1.0)
    assert seg["by_code"]["c"]["cohen_kappa"] == pytest.approx(1.0)
    assert seg["disagreements"] == []
    # d is everywhere for both: alpha and kappa undefined, with the reason
    assert seg["by_code"]["d"]["percent_agreement"] == 1.0
    assert seg["by_code"]["d"]["krippendorff_alpha"] is None
    assert seg["by_code"]["d"]["cohen_kappa"] is None
    assert any(w.startswith("d: Krippendorff") and "no variation" in w for w in seg["warnings"])
    # characters: 11 code points, they differ on 3 and 4
    c = char["by_code"]["c"]
    assert c["n_units"] == 11
    assert c["percent_agreement"] == pytest.approx(9 / 11)
    # table: yes/yes 3, X only 2, no/no 6 -> po = 9/11, pe = (5*3 + 6*8)/121 = 63/121
    pe = 63 / 121
    assert c["cohen_kappa"] == pytest.approx((9 / 11 - pe) / (1 - pe))
    assert char["disagreements"] == []


def test_person_versus_auto_coder(engine):
    text = "Days of culture opened in Bishkek. Border talks stalled. Musicians toured Osh."
    with session_scope(engine) as session:
        doc, _ = add_document(session, text, DocumentMeta(key="news", language="en"))
        culture, security = ensure_code(session, "culture"), ensure_code(session, "security")
        add_coding(session, doc, culture, 0, 34, "alice")
        add_coding(session, doc, security, 35, 56, "alice")
        add_coding(session, doc, culture, 57, 78, "alice")
        auto = add_coding(session, doc, culture, 0, 20, "auto:lexicon", confidence=0.9)
        assert auto.automatic
        add_coding(session, doc, culture, 40, 45, "auto:lexicon")
        result = reliability(session, ["alice", "auto:lexicon"])
    assert result["codes"] == ["culture", "security"]
    assert result["overall"]["n_units"] == 3
    # sentence 1 agrees; sentence 2: {security} vs {culture}; sentence 3: {culture} vs {}
    assert result["overall"]["percent_agreement"] == pytest.approx(1 / 3)
    assert result["by_code"]["culture"]["percent_agreement"] == pytest.approx(1 / 3)
    assert result["by_code"]["security"]["percent_agreement"] == pytest.approx(2 / 3)
    assert [d["codes"] for d in result["disagreements"]] == [
        {"alice": ["security"], "auto:lexicon": ["culture"]},
        {"alice": ["culture"], "auto:lexicon": []},
    ]


def test_codes_filter_documents_and_errors(engine):
    with session_scope(engine) as session:
        _kappa_doc(session)
        other, _ = add_document(session, "Only one coder was here.", DocumentMeta(key="solo"))
        add_coding(session, other, ensure_code(session, "y"), 0, 4, "A")
        default = reliability(session, ["A", "B"])
        named = reliability(session, ["A", "B"], codes=["x"], documents=["ten", "solo"])
        with pytest.raises(NotFoundError):
            reliability(session, ["A", "B"], codes=["nope"])
        with pytest.raises(ConfigError):
            reliability(session, ["A"])
        with pytest.raises(ConfigError):
            reliability(session, ["A", "B"], unit="word")
    assert default["documents"] == ["ten"]
    assert named["documents"] == ["solo", "ten"]
    assert named["codes"] == ["x"]
    # 'solo' is missing for B, so its single sentence is not pairable
    assert named["overall"]["n_units"] == 10
    assert named["by_code"]["x"]["cohen_kappa"] == pytest.approx(0.6)
