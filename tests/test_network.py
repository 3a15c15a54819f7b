"""Known answers for the actor network: ties, reach across the border, bridges, communities."""

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA
from lowpolitics.analysis.dataset import ActivityView, Dataset, load_dataset
from lowpolitics.analysis.graph_export import write_graph
from lowpolitics.analysis.intervals import wilson
from lowpolitics.analysis.network import (
    TINY_NOTE,
    actor_key,
    build_graph,
    network_metrics,
)
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.framework.dates import PartialDate

D = PartialDate.parse
K1, K2, T1, T2 = ("Ministry K", "KG"), ("Uni K", "KG"), ("NGO T", "TJ"), ("Ministry T", "TJ")
TYPES = {K1: "ministry", K2: "university", T1: "cso", T2: "ministry"}
BORDER_SERVICE, STUDENTS = ("Border Service", "KG"), ("Tajik students", "TJ")
DONOR, MINISTRY = ("UNICEF", "INT"), ("Ministry of Education", "TJ")
DISTANT = [("Theatre A", "TJ"), ("Theatre B", "TJ"), ("Theatre C", "KG")]


def act(key: str, when: str, *actors: tuple[str, str], status: str = "held") -> ActivityView:
    return ActivityView(
        key=key, date=D(when), mechanism="institutional", status=status, actors=tuple(actors)
    )


def k(actor: tuple[str, str]) -> str:
    return actor_key(*actor)


def four_actors() -> Dataset:
    """a1 (2019): K1–T1; a2 (2020): K1, T1, T2; a3 (2021): K1–K2; a4 planned: K2–T2."""
    return Dataset(
        [
            act("a1", "2019-05", K1, T1),
            act("a2", "2020", K1, T1, T2),
            act("a3", "2021-03-01", K2, K1),
            act("a4", "2021-06", K2, T2, status="planned"),
        ],
        actor_types=dict(TYPES),
    )


def chain(*links: tuple[str, ...]) -> Dataset:
    """One activity per link, every actor Kyrgyz; each activity's key is its actors joined."""
    return Dataset([act("-".join(names), "2020", *((n, "KG") for n in names)) for names in links])


# --- graph ----------------------------------------------------------------------------------


def test_graph_nodes_edges_weights_and_years(codebook):
    graph = build_graph(four_actors(), codebook)
    assert sorted(graph.nodes) == sorted(k(a) for a in (K1, K2, T1, T2))
    assert graph.nodes[k(T1)] == {
        "name": "NGO T",
        "country": "TJ",
        "type": "cso",
        "group": "civil_society",
    }
    assert graph.number_of_edges() == 4
    assert graph.edges[k(K1), k(T1)] == {
        "weight": 2,
        "first_year": 2019,
        "last_year": 2020,
        "activities": "a1;a2",
    }
    assert graph.edges[k(K1), k(T2)]["weight"] == 1
    assert graph.edges[k(K1), k(K2)]["first_year"] == 2021
    assert not graph.has_edge(k(K2), k(T2))  # only the planned activity joins them


def test_unknown_type_and_window(codebook):
    data = four_actors()
    data.actor_types.pop(K2)
    graph = build_graph(data, codebook, AnalysisOptions(date_from=date(2020, 1, 1)))
    assert graph.nodes[k(K2)]["type"] == "" and graph.nodes[k(K2)]["group"] == "unknown"
    assert graph.edges[k(K1), k(T1)]["weight"] == 1  # a1 (2019) is outside the window
    assert graph.edges[k(K1), k(T1)]["activities"] == "a2"


# --- metrics --------------------------------------------------------------------------------


def test_four_actor_metrics_by_hand(codebook):
    result = network_metrics(four_actors(), codebook)
    overall = result["overall"]
    assert overall["nodes"] == 4 and overall["edges"] == 4
    assert overall["density"] == pytest.approx(4 / 6, abs=1e-4)
    assert result["planned_not_counted"] == 1 and result["planned_ids"] == ["a4"]
    assert overall["activity_ids"] == ["a1", "a2", "a3"]
    cross = overall["cross_border"]
    assert cross["ties"] == 2 and cross["weight"] == 3
    assert cross["activity_ids"] == ["a1", "a2"]
    assert {tuple(t["actors"]) for t in cross["list"]} == {
        tuple(sorted((k(K1), k(T1)))),
        tuple(sorted((k(K1), k(T2)))),
    }
    reach = overall["reach_across"]
    low, high = wilson(3, 4)
    assert (reach["actors"], reach["with_tie"], reach["share"]) == (4, 3, 0.75)
    assert reach["ci"] == [pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4)]
    assert reach["ids_without_tie"] == [k(K2)]
    assert reach["by_country"]["KG"]["share"] == 0.5 and reach["by_country"]["TJ"]["share"] == 1
    assert overall["international"]["ties"] == 0
    pairs = overall["cross_border_by_group_pair"]
    assert set(pairs) == {"civil_society–state", "state–state"}
    assert pairs["state–state"]["ties"] == 1 and pairs["state–state"]["activity_ids"] == ["a2"]
    groups = overall["ties_by_group"]
    assert (groups["state"]["ties"], groups["state"]["cross_border_ties"]) == (4, 2)
    assert (groups["academic"]["ties"], groups["academic"]["cross_border_ties"]) == (1, 0)
    assert (groups["civil_society"]["ties"], groups["civil_society"]["actors"]) == (2, 1)
    # distances: K1–T1 0.5, others 1; K1 lies on K2–T1 and K2–T2 → 2 of 3 pairs not touching it
    bridges = overall["bridging_actors"]
    assert [b["actor"] for b in bridges] == [k(K1)]
    assert bridges[0]["betweenness"] == pytest.approx(2 / 3, abs=1e-4)
    assert bridges[0]["country"] == "KG" and bridges[0]["type"] == "ministry"
    assert any(TINY_NOTE in w for w in result["warnings"])


def test_per_year_graphs(codebook):
    by_year = network_metrics(four_actors(), codebook)["by_year"]
    assert list(by_year) == ["2019", "2020", "2021"]
    assert (by_year["2019"]["nodes"], by_year["2019"]["edges"]) == (2, 1)
    assert by_year["2020"]["density"] == 1.0 and by_year["2020"]["cross_border"]["ties"] == 2
    assert by_year["2021"]["edges"] == 1 and by_year["2021"]["cross_border"]["ties"] == 0
    assert by_year["2021"]["activity_ids"] == ["a3"]  # a4 is planned


def test_planned_only_gives_empty_network(codebook):
    data = Dataset([act("p", "2022", K1, T1, status="planned")])
    result = network_metrics(data, codebook)
    assert result["overall"]["nodes"] == 0 and result["by_year"] == {}
    assert result["overall"]["reach_across"]["share"] is None
    assert result["overall"]["communities"]["count"] == 0


def test_path_betweenness(codebook):
    bridges = network_metrics(chain(("A", "B"), ("B", "C")), codebook)["overall"]["bridging_actors"]
    assert [(b["name"], b["betweenness"]) for b in bridges] == [("B", 1.0)]


def test_betweenness_uses_inverse_weight(codebook):
    # A–B and B–C shared three times, A–C once: via B (1/3 + 1/3) is shorter than direct (1)
    data = chain(*([("A", "B")] * 3), *([("B", "C")] * 3), ("A", "C"))
    data = Dataset([replace(a, key=f"{a.key}{i}") for i, a in enumerate(data.activities)])
    bridges = network_metrics(data, codebook)["overall"]["bridging_actors"]
    assert [(b["name"], b["betweenness"]) for b in bridges] == [("B", 1.0)]


def test_star(codebook):
    data = chain(*[("hub", leaf) for leaf in "abcde"])
    overall = network_metrics(data, codebook)["overall"]
    assert overall["edges"] == 5 and overall["density"] == pytest.approx(5 / 15, abs=1e-4)
    assert [(b["name"], b["betweenness"], b["degree"]) for b in overall["bridging_actors"]] == [
        ("hub", 1.0, 5)
    ]


def test_two_cliques_recovered(codebook):
    kg, tj = [(n, "KG") for n in "abcde"], [(n, "TJ") for n in "vwxyz"]
    data = Dataset(
        [act("c1", "2020", *kg), act("c2", "2020", *tj), act("bridge", "2021", kg[0], tj[0])]
    )
    overall = network_metrics(data, codebook)["overall"]
    communities = overall["communities"]
    assert sorted(c["members"] for c in communities["list"]) == [
        sorted(k(a) for a in kg),
        sorted(k(a) for a in tj),
    ]
    assert not any(c["spans_both"] for c in communities["list"])
    assert communities["modularity"] > 0.3 and communities["isolated"] == []
    assert overall["cross_border"]["ties"] == 1
    assert overall["cross_border"]["activity_ids"] == ["bridge"]
    assert {b["name"] for b in overall["bridging_actors"][:2]} == {"a", "v"}


def test_international_ties_reported_apart(codebook):
    undp = ("UNDP", "INT")
    data = Dataset([act("x", "2020", K1, T1, undp)], actor_types={**TYPES})
    overall = network_metrics(data, codebook)["overall"]
    assert overall["cross_border"]["ties"] == 1 and overall["international"]["ties"] == 2


# --- files ----------------------------------------------------------------------------------


GEXF_XSD = DATA / "gexf-1.3" / "gexf.xsd"
GEXF_NS = "{http://gexf.net/1.3}"
_GEXF_TYPES = {"integer": int, "double": float, "boolean": lambda v: v == "true", "string": str}


@pytest.fixture(scope="module")
def gexf_schema():
    """GEXF 1.3's published schema (gephi/gexf, specs/1.3), read once."""
    return xmlschema.XMLSchema(str(GEXF_XSD))


def read_gexf13(path) -> nx.Graph:
    """A GEXF 1.3 file back as a graph, attribute values typed as declared (networkx reads
    only GEXF 1.1 and 1.2draft)."""
    root = ET.parse(path).getroot()
    graph_element = root.find(f"{GEXF_NS}graph")
    types = {
        (block.get("class"), a.get("id")): (a.get("title"), _GEXF_TYPES[a.get("type")])
        for block in graph_element.findall(f"{GEXF_NS}attributes")
        for a in block.findall(f"{GEXF_NS}attribute")
    }

    def values(element, kind):
        return {
            types[(kind, v.get("for"))][0]: types[(kind, v.get("for"))][1](v.get("value"))
            for v in element.iterfind(f"{GEXF_NS}attvalues/{GEXF_NS}attvalue")
        }

    graph = nx.Graph()
    for node in graph_element.iterfind(f"{GEXF_NS}nodes/{GEXF_NS}node"):
        graph.add_node(node.get("id"), label=node.get("label"), **values(node, "node"))
    for edge in graph_element.iterfind(f"{GEXF_NS}edges/{GEXF_NS}edge"):
        graph.add_edge(
            edge.get("source"),
            edge.get("target"),
            weight=float(edge.get("weight")),
            **values(edge, "edge"),
        )
    return graph


def read_back(path, fmt: str) -> nx.Graph:
    return nx.read_graphml(path) if fmt == "graphml" else read_gexf13(path)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_write_and_read_back(codebook, tmp_path, fmt):
    data = four_actors()
    data.actor_types.pop(K2)  # an empty type must still be written
    graph = build_graph(data, codebook)
    path = write_graph(graph, tmp_path / f"g.{fmt}", fmt)
    back = read_back(path, fmt)
    assert sorted(back.nodes) == sorted(graph.nodes)
    for _, attrs in back.nodes(data=True):
        for name in ("name", "country", "type", "group"):
            assert isinstance(attrs[name], str)
    assert back.nodes[k(K2)]["group"] == "unknown"
    edge = back.edges[k(K1), k(T1)]
    assert edge["weight"] == 2 and isinstance(edge["weight"], int | float)
    assert edge["first_year"] == 2019 and isinstance(edge["first_year"], int)
    assert edge["last_year"] == 2020 and edge["activities"] == "a1;a2"
    # K1 bridges K2 to the Tajik actors: a broker, betweenness 2/3; one community of four
    assert back.nodes[k(K1)]["broker"] is True and back.nodes[k(T1)]["broker"] is False
    assert back.nodes[k(K1)]["betweenness"] == pytest.approx(2 / 3, abs=1e-4)
    assert {attrs["community"] for _, attrs in back.nodes(data=True)} == {1}


def test_gexf_is_version_1_3_valid_against_the_published_xsd(codebook, tmp_path, gexf_schema):
    path = write_graph(build_graph(four_actors(), codebook), tmp_path / "g.gexf", "gexf")
    gexf_schema.validate(str(path))  # raises, naming the element, when the file is not valid
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF_NS}gexf" and root.get("version") == "1.3"
    graph_element = root.find(f"{GEXF_NS}graph")
    assert graph_element.get("name") is None  # GEXF 1.3 has no graph name: none is written
    declared = {
        a.get("id"): a.get("type")
        for block in graph_element.findall(f"{GEXF_NS}attributes[@class='node']")
        for a in block
    }
    assert declared == {
        "name": "string",
        "country": "string",
        "type": "string",
        "group": "string",
        "community": "integer",
        "betweenness": "double",
        "broker": "boolean",
    }


def test_file_measures_are_the_json_measures(codebook, tmp_path, gexf_schema):
    """Community numbers, betweenness and brokers in the files are those ``analyse network``
    reports — on a network with two communities and an isolated actor."""
    rows = [act(f"c{i}", "2020", a, b) for i, (a, b) in enumerate(combinations([K1, K2, T1], 2))]
    rows += [act(f"d{i}", "2020", a, b) for i, (a, b) in enumerate(combinations(DISTANT, 2))]
    rows += [act("bridge", "2020", T1, DISTANT[0]), act("alone", "2020", ("Hermit", "KG"))]
    data = Dataset(rows, actor_types=dict(TYPES))
    overall = network_metrics(data, codebook)["overall"]
    expected_community = {
        member: group["id"]
        for group in overall["communities"]["list"]
        for member in group["members"]
    }
    brokers = {b["actor"]: b["betweenness"] for b in overall["bridging_actors"]}
    assert len(overall["communities"]["list"]) == 2 and brokers
    graph = build_graph(data, codebook)
    for fmt in ("gexf", "graphml"):
        back = read_back(write_graph(graph, tmp_path / f"m.{fmt}", fmt), fmt)
        for node, attrs in back.nodes(data=True):
            assert attrs["community"] == expected_community.get(node, 0), (fmt, node)
            assert attrs["broker"] is (node in brokers), (fmt, node)
            assert attrs["betweenness"] == pytest.approx(brokers.get(node, 0.0), abs=1e-4)
    gexf_schema.validate(str(tmp_path / "m.gexf"))


def test_names_xml_cannot_hold_as_they_are(codebook, tmp_path, gexf_schema):
    odd = ('Youth & Sport <Batken> "Dostuk"\x01', "KG")
    graph = build_graph(Dataset([act("x", "2020", odd, T1)], actor_types={}), codebook)
    path = write_graph(graph, tmp_path / "odd.gexf", "gexf")
    gexf_schema.validate(str(path))
    assert read_gexf13(path).nodes[k(odd).replace("\x01", "")]["name"] == odd[0][:-1]


def test_write_cleans_none_and_rejects_unknown_format(tmp_path):
    graph = nx.Graph()
    graph.add_node("x", name="x", country="KG", type=None, group="unknown")
    back = nx.read_graphml(write_graph(graph, tmp_path / "n.graphml", "graphml"))
    assert back.nodes["x"]["type"] == ""
    with pytest.raises(ValueError):
        write_graph(graph, tmp_path / "n.csv", "csv")


# --- properties and the bundled data --------------------------------------------------------


ROWS = [
    act("r1", "2018", K1, T1),
    act("r2", "2018-07", K2, T2, K1),
    act("r3", "2019-02-02", T1, T2),
    act("r4", "2019", K2, ("UNDP", "INT")),
    act("r5", "2020", K1, K2),
    act("r6", "2020", T2, K1, ("UNDP", "INT")),
    act("r7", "2021", K1, status="planned"),
]


@settings(max_examples=25, deadline=None)
@given(st.permutations(ROWS), st.randoms(use_true_random=False))
def test_row_order_does_not_change_metrics(codebook, rows, rnd):
    shuffled = []
    for row in rows:
        actors = list(row.actors)
        rnd.shuffle(actors)
        shuffled.append(replace(row, actors=tuple(actors)))
    baseline = network_metrics(Dataset(list(ROWS), actor_types=dict(TYPES)), codebook)
    assert network_metrics(Dataset(shuffled, actor_types=dict(TYPES)), codebook) == baseline


def test_bundled_data(codebook, tmp_path):
    from lowpolitics.cli.demo import build_demo
    from lowpolitics.store.db import session_scope

    state = build_demo(Path(tmp_path) / "d", verbose=False)
    with session_scope(state.engine) as session:
        data = load_dataset(session)
    result = network_metrics(data, codebook)
    overall = result["overall"]
    assert overall["cross_border"]["ties"] > 0
    assert overall["nodes"] > 0 and overall["bridging_actors"]
    assert 0 < overall["reach_across"]["share"] <= 1
    path = write_graph(build_graph(data, codebook), tmp_path / "demo.gexf", "gexf")
    xmlschema.XMLSchema(str(GEXF_XSD)).validate(str(path))
    back = read_gexf13(path)
    assert back.number_of_nodes() == overall["nodes"]
    assert sorted(n for n, b in back.nodes(data="broker") if b) == sorted(
        b["actor"] for b in overall["bridging_actors"]
    )


def test_only_co_participants_in_cooperative_activities_are_tied(codebook):
    """A border service's ban on Tajik students is a restriction: no tie. A ministry that is only
    mentioned is no partner. A donor that funds a cross-border camp is."""
    types = TYPES | {BORDER_SERVICE: "government", STUDENTS: "youth_group", DONOR: "donor_agency"}
    types[MINISTRY] = "ministry"
    ban = replace(
        act("ban", "2021-09-01", BORDER_SERVICE, STUDENTS),
        record_kind="restriction",
        actor_roles=("organiser", "mentioned"),
    )
    statement = replace(act("say", "2021-10-01", K1, T2), record_kind="statement")
    camp = replace(
        act("camp", "2022-07-01", K2, T1, DONOR, MINISTRY),
        actor_roles=("participant", "participant", "funder", "mentioned"),
    )
    match = act("match", "2022-08-01", K2, T1)  # no roles stated: participants
    result = network_metrics(Dataset([ban, statement, camp, match], [], types), codebook)
    overall = result["overall"]
    assert overall["activity_ids"] == ["camp", "match"]
    assert k(MINISTRY) not in build_graph(Dataset([camp], [], types), codebook).nodes
    assert overall["cross_border"]["ties"] == 1
    assert overall["cross_border"]["weight"] == 2
    reliance = overall["donor_reliance"]
    assert (
        reliance["cross_border_activities"],
        reliance["with_international_organiser_or_funder"],
    ) == (2, 1)
    assert reliance["ids"] == ["camp"] and reliance["share"] == 0.5


# --- the array betweenness against networkx's -------------------------------------------------


def _reference_betweenness(graph: nx.Graph) -> dict[str, float]:
    """networkx's own computation, as the network section ran it before."""
    distances = graph.copy()
    for _, _, data in distances.edges(data=True):
        data["distance"] = 1 / data["weight"]
    return nx.betweenness_centrality(distances, weight="distance", normalized=True)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=40),
    st.floats(min_value=0.0, max_value=0.5),
    st.lists(st.sampled_from([1, 1, 1, 2, 2, 3, 4, 6]), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=10_000),
)
def test_array_betweenness_is_networkx_betweenness(n, p, weights, seed):
    """Random graphs, several components and isolated actors among them, with weights drawn
    from a few values so that shortest paths of equal length (ties) are common: every value
    within rounding of networkx's, and the same brokers in the same order."""
    from lowpolitics.analysis.betweenness import weighted_betweenness
    from lowpolitics.analysis.network import brokers

    graph = nx.relabel_nodes(nx.gnp_random_graph(n, p, seed=seed), lambda i: f"actor {i}")
    for i, (a, b) in enumerate(graph.edges()):
        graph.edges[a, b]["weight"] = weights[i % len(weights)]
    expected = _reference_betweenness(graph) if graph.number_of_edges() else None
    got = weighted_betweenness(graph)
    assert list(got) == list(graph.nodes)
    if expected is None:
        assert set(got.values()) <= {0.0}
        return
    assert got == pytest.approx(expected, abs=1e-12)
    assert [node for _, node in brokers(got)] == [node for _, node in brokers(expected)]


def test_array_betweenness_in_small_blocks(monkeypatch):
    """Sources split into blocks of one (as on a graph too large for one block) give the
    same values as one block."""
    from lowpolitics.analysis import betweenness as module

    graph = nx.relabel_nodes(nx.gnp_random_graph(30, 0.2, seed=3), str)
    for i, (a, b) in enumerate(graph.edges()):
        graph.edges[a, b]["weight"] = 1 + i % 3
    whole = module.weighted_betweenness(graph)
    monkeypatch.setattr(module, "BLOCK_ENTRIES", 1)
    assert module.weighted_betweenness(graph) == pytest.approx(whole, abs=1e-15)
    assert whole == pytest.approx(_reference_betweenness(graph), abs=1e-12)


def test_array_betweenness_memory_is_bounded_on_sparse_graphs(monkeypatch):
    """Thousands of actors and one path of ties: each block's distance rows (sources × nodes)
    stay within the bound, as the ties alone would not ensure."""
    from lowpolitics.analysis import betweenness as module

    shapes = []
    original = module.dijkstra

    def recorded(*args, **kwargs):
        found = original(*args, **kwargs)
        shapes.append(found.shape)
        return found

    monkeypatch.setattr(module, "dijkstra", recorded)
    monkeypatch.setattr(module, "BLOCK_ENTRIES", 10_000)
    graph = nx.Graph()
    graph.add_nodes_from(str(i) for i in range(3_000))
    graph.add_edge("0", "1", weight=1)
    graph.add_edge("1", "2", weight=2)
    scores = module.weighted_betweenness(graph)
    assert all(rows * nodes <= 10_000 for rows, nodes in shapes)
    assert scores["1"] == pytest.approx(2 / (2_999 * 2_998))
    assert sum(scores.values()) == pytest.approx(scores["1"])
