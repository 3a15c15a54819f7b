"""The actor network as a file for Gephi and other network tools: GEXF 1.3 and GraphML.

Each actor carries, besides its name, country, type and group, what the analysis found about it
— its Louvain ``community`` (the numbers of ``analyse network``'s community list; 0 for an actor
in none), its weighted ``betweenness`` and whether it is a ``broker`` (one of the bridging actors
listed there) — so that colouring or sizing by them in Gephi shows the same network the JSON
describes, not a re-computation with other settings.

GEXF is written by hand as version 1.3 (namespace ``http://gexf.net/1.3``), the version current
Gephi reads and the GEXF Working Group publishes a schema for; networkx writes only 1.2draft.
Every attribute is declared in ``<attributes class="node">`` / ``class="edge"`` with its type.
GEXF 1.3 has no graph name, so none is written. The tests validate the output against the
published XSD (``tests/data/gexf-1.3``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx

from lowpolitics.analysis.network import betweenness, brokers, community_groups

FORMATS = ("graphml", "gexf")
GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_VERSION = "1.3"
NO_COMMUNITY = 0
# characters XML 1.0 cannot hold at all (a control character pasted into a name)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: object) -> str | int | float | bool:
    """GraphML and GEXF (and Gephi) accept strings, numbers and booleans; None becomes ""."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def with_measures(graph: nx.Graph) -> nx.Graph:
    """A copy of ``graph`` with node ids as text, attributes cleaned, and each actor's
    ``community``, ``betweenness`` and ``broker`` flag — computed as ``network_metrics`` does."""
    scores = betweenness(graph)
    bridging = {node for _, node in brokers(scores)}
    community = {
        node: number
        for number, members in enumerate(community_groups(graph), start=1)
        for node in members
    }
    clean = nx.Graph()
    for node, data in graph.nodes(data=True):
        attrs = {k: _clean(v) for k, v in data.items()}
        attrs["community"] = community.get(node, NO_COMMUNITY)
        attrs["betweenness"] = round(float(scores.get(node, 0.0)), 4)  # as the JSON gives it
        attrs["broker"] = node in bridging
        clean.add_node(str(node), **attrs)
    for a, b, data in graph.edges(data=True):
        clean.add_edge(str(a), str(b), **{k: _clean(v) for k, v in data.items()})
    return clean


def _gexf_type(values: list[object]) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("", str(value))


def _declare(graph_element: ET.Element, kind: str, items: list[dict]) -> dict[str, str]:
    """``<attributes class=kind>`` with one typed ``<attribute>`` per key; returns key → type."""
    keys: list[str] = []
    for data in items:
        keys.extend(k for k in data if k not in keys)
    types = {key: _gexf_type([d[key] for d in items if key in d]) for key in keys}
    if keys:
        block = ET.SubElement(graph_element, "attributes", {"class": kind, "mode": "static"})
        for key in keys:
            ET.SubElement(block, "attribute", {"id": key, "title": key, "type": types[key]})
    return types


def _attvalues(parent: ET.Element, data: dict) -> None:
    if data:
        values = ET.SubElement(parent, "attvalues")
        for key, value in data.items():
            ET.SubElement(values, "attvalue", {"for": key, "value": _text(value)})


def write_gexf(graph: nx.Graph, path: Path, description: str = "") -> None:
    """``graph`` (ids and attributes already cleaned) as GEXF 1.3, UTF-8. The edge weight goes
    in the edge's own ``weight``; other edge data become declared attributes."""
    from lowpolitics import __version__

    root = ET.Element("gexf", {"xmlns": GEXF_NAMESPACE, "version": GEXF_VERSION})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = f"lowpolitics {__version__}"
    if description:
        ET.SubElement(meta, "description").text = _text(description)
    element = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    node_data = [dict(data) for _, data in graph.nodes(data=True)]
    edge_data = [
        {k: v for k, v in data.items() if k != "weight"} for _, _, data in graph.edges(data=True)
    ]
    _declare(element, "node", node_data)
    _declare(element, "edge", edge_data)
    nodes = ET.SubElement(element, "nodes", {"count": str(graph.number_of_nodes())})
    for (node, raw), data in zip(graph.nodes(data=True), node_data, strict=True):
        label = raw.get("name") or node
        item = ET.SubElement(nodes, "node", {"id": _text(node), "label": _text(label)})
        _attvalues(item, data)
    edges = ET.SubElement(element, "edges", {"count": str(graph.number_of_edges())})
    for number, ((a, b, raw), data) in enumerate(
        zip(graph.edges(data=True), edge_data, strict=True)
    ):
        attrs = {"id": str(number), "source": _text(a), "target": _text(b)}
        if isinstance(raw.get("weight"), int | float) and not isinstance(raw["weight"], bool):
            attrs["weight"] = _text(float(raw["weight"]))
        item = ET.SubElement(edges, "edge", attrs)
        _attvalues(item, data)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


class _GraphMLWriter(nx.readwrite.graphml.GraphMLWriter):
    """networkx's GraphML writer, with booleans as the XML literals ``true``/``false`` that
    GraphML's ``attr.type="boolean"`` means (networkx writes Python's ``True``)."""

    def add_data(self, name, element_type, value, scope="all", default=None):
        element = super().add_data(name, element_type, value, scope, default)
        if isinstance(value, bool):
            element.text = "true" if value else "false"
        return element


def write_graphml(graph: nx.Graph, path: Path) -> None:
    writer = _GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    writer.dump(path)


def write_graph(graph: nx.Graph, path: str | Path, fmt: str = "graphml") -> Path:
    """Write the co-participation graph (``network.build_graph``) as GraphML or GEXF 1.3, with
    each actor's community, betweenness and broker flag (:func:`with_measures`)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
    clean = with_measures(graph)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        write_graphml(clean, path)
    else:
        write_gexf(
            clean,
            path,
            "Co-participation network of actors in cooperative activities "
            "(lowpolitics analyse network): weight = activities shared",
        )
    return path
