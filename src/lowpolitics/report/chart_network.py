"""The actor network as a picture for the brief: who works with whom across the border.

Positions come from a seeded force-directed layout (networkx ``spring_layout``), so the same
data always give the same drawing. Ties between a Kyrgyz and a Tajik actor are drawn in the
accent colour, other ties in grey; actors are coloured by country and sized by their number of
ties, and the most bridging actors are named.
"""

from __future__ import annotations

import altair as alt
import networkx as nx

from lowpolitics.analysis.dataset import Dataset
from lowpolitics.analysis.network import build_graph
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.framework.codebook import Codebook
from lowpolitics.report.charts import HEIGHT, WIDTH, Translate, _finish, empty_chart, identity

LAYOUT_SEED = 7
COUNTRY_COLOURS = {"KG": "#D55E00", "TJ": "#0072B2", "INT": "#999999"}
LABELLED = 6


def network_chart(
    dataset: Dataset | None,
    codebook: Codebook,
    lang: str = "en",
    _: Translate = identity,
    options: AnalysisOptions | None = None,
) -> alt.LayerChart | alt.Chart:
    title = _("Who works with whom across the border")
    if dataset is None:
        return empty_chart(title, _)
    graph = build_graph(dataset, codebook, options or AnalysisOptions())
    graph.remove_nodes_from([n for n, degree in dict(graph.degree()).items() if degree == 0])
    if graph.number_of_nodes() == 0:
        return empty_chart(title, _)
    positions = nx.spring_layout(graph, seed=LAYOUT_SEED, weight="weight", k=0.35)
    country_name = {"KG": _("Kyrgyzstan"), "TJ": _("Tajikistan"), "INT": _("International")}
    other = _("Other countries")
    betweenness = nx.betweenness_centrality(graph, weight=None, seed=LAYOUT_SEED)
    top = set(sorted(betweenness, key=betweenness.get, reverse=True)[:LABELLED])
    nodes = [
        {
            "x": float(positions[n][0]),
            "y": float(positions[n][1]),
            "name": data["name"],
            "country": country_name.get(data["country"], other),
            "ties": graph.degree(n),
            "label": data["name"] if n in top else "",
        }
        for n, data in graph.nodes(data=True)
    ]
    cross, plain = _("Kyrgyz–Tajik tie"), _("Other tie")
    edges = []
    for a, b, data in graph.edges(data=True):
        countries = {graph.nodes[a]["country"], graph.nodes[b]["country"]}
        edges.append(
            {
                "x": float(positions[a][0]),
                "y": float(positions[a][1]),
                "x2": float(positions[b][0]),
                "y2": float(positions[b][1]),
                "kind": cross if countries == {"KG", "TJ"} else plain,
                "weight": data["weight"],
            }
        )
    axis = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    ties = (
        alt.Chart(alt.Data(values=edges))
        .mark_rule(opacity=0.55)
        .encode(
            x=alt.X("x:Q", axis=axis),
            y=alt.Y("y:Q", axis=axis),
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color(
                "kind:N",
                title=_("Tie"),
                scale=alt.Scale(domain=[cross, plain], range=["#CC79A7", "#d0d4d9"]),
                legend=alt.Legend(orient="bottom"),
            ),
            strokeWidth=alt.StrokeWidth(
                "weight:Q",
                title=_("Shared activities"),
                scale=alt.Scale(range=[0.7, 4]),
                legend=None,
            ),
        )
    )
    labels_order = [country_name["KG"], country_name["TJ"], country_name["INT"], other]
    points = (
        alt.Chart(alt.Data(values=nodes))
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=0.6)
        .encode(
            x="x:Q",
            y="y:Q",
            color=alt.Color(
                "country:N",
                title=_("Country"),
                scale=alt.Scale(
                    domain=labels_order,
                    range=[
                        COUNTRY_COLOURS["KG"],
                        COUNTRY_COLOURS["TJ"],
                        COUNTRY_COLOURS["INT"],
                        "#E69F00",
                    ],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            size=alt.Size("ties:Q", title=_("Ties"), scale=alt.Scale(range=[20, 400]), legend=None),
            tooltip=[
                alt.Tooltip("name:N", title=_("Actor")),
                alt.Tooltip("country:N", title=_("Country")),
                alt.Tooltip("ties:Q", title=_("Ties")),
            ],
        )
    )
    names = (
        alt.Chart(alt.Data(values=[n for n in nodes if n["label"]]))
        .mark_text(fontSize=8, dy=-9, color="#1d2733")
        .encode(x="x:Q", y="y:Q", text="label:N")
    )
    chart = alt.layer(ties, points, names).properties(width=WIDTH, height=HEIGHT + 120)
    return _finish(chart.resolve_scale(color="independent"), title)
