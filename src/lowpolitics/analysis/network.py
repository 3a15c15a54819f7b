"""Who works with whom: the co-participation network of actors, and who bridges the border.

Cultural cooperation is carried by people and organisations, not by states in the abstract. Two
actors are tied when they took part in the same cooperative activity — as organiser,
participant or funder (codebook ``actor_roles`` with ``took_part``; a row without a role counts
as participant); the tie's weight is the number of activities they shared. A statement or a
restriction makes no tie (a border service banning students does not work with them), nor does
being mentioned; several reports of one event count once. Planned activities are not counted —
nobody has met there yet.

Because much cross-border work is organised or paid for by international organisations and
donors, ``donor_reliance`` gives the share of cross-border activities (a Kyrgyz and a Tajik actor
taking part) that have an international organiser or funder, with the ids.

The measures answer plain questions: how many Kyrgyz–Tajik ties exist and which activities carry
them; what share of the Kyrgyz and Tajik actors has at least one partner across the border
(Wilson interval); who sits between otherwise separate groups (weighted betweenness, distance =
1 / weight, so that frequent partners are "close"); and which clusters form (Louvain, fixed
seed) and whether they span the border. Every tie count names the activities behind it.

On a few actors these numbers describe those actors, not a network; the result says so.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import networkx as nx

from lowpolitics.analysis.betweenness import weighted_betweenness
from lowpolitics.analysis.dataset import ActivityView, Dataset
from lowpolitics.analysis.intervals import RATE_METHOD, share_with_interval
from lowpolitics.analysis.options import AnalysisOptions
from lowpolitics.analysis.units import counting_base
from lowpolitics.framework.codebook import Codebook
from lowpolitics.framework.notes import N_, note

BORDER = ("KG", "TJ")
INTERNATIONAL = "INT"
LOUVAIN_SEED = 42
TOP_BRIDGES = 10
SMALL_NETWORK = 10  # actors
# the close of the small-network warnings (inlined in each message, for the catalogues)
TINY_NOTE = "network measures on so few actors describe these actors, not a network"
COMMUNITY_METHOD = (
    f"Louvain modularity (networkx community.louvain_communities, weight = shared activities, "
    f"resolution 1, seed {LOUVAIN_SEED})"
)
BETWEENNESS_METHOD = (
    "betweenness centrality (Brandes, normalised, exact: the measure networkx computes, in "
    "array operations), shortest paths with distance = 1 / weight"
)
# betweenness values closer than this are a tie (ranked by name): the sums behind them run in
# an order that can move the last bits, which must not reorder actors of equal standing
TIE_DIGITS = 12


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def actor_key(name: str, country: str) -> str:
    """The node id: the name alone is not unique (two countries can have a 'Ministry of
    Culture'), so the country is part of the key."""
    return f"{name} [{country}]"


def _counted(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions
) -> tuple[list[ActivityView], list[str]]:
    """Cooperative units in the window that took place (any status but planned), and the
    planned ids. Statements and restrictions are no cooperation, so they make no tie."""
    window = dataset.between(options.date_from, options.date_to)
    units = counting_base(window.activities, codebook, options.today(), options.grace_days).units
    planned = sorted(a.key for a in units if a.status == "planned")
    return [a for a in units if a.status != "planned"], planned


def took_part(activity: ActivityView, codebook: Codebook) -> list[tuple[str, str, str]]:
    """(name, country, role) of the actors who worked in the activity (not those mentioned)."""
    roles = codebook.took_part_roles or frozenset({"participant"})
    out = []
    for i, (name, country) in enumerate(activity.actors):
        role = (activity.actor_roles[i] if i < len(activity.actor_roles) else None) or "participant"
        if role in roles:
            out.append((name, country, role))
    return out


def _graph(activities: list[ActivityView], dataset: Dataset, codebook: Codebook) -> nx.Graph:
    """Nodes and edges are added in sorted order, so the graph — and every measure computed on
    it, Louvain included — does not depend on the order the rows were read in."""
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for activity in activities:
        keys = set()
        for name, country, _role in took_part(activity, codebook):
            key = actor_key(name, country)
            keys.add(key)
            if key not in nodes:
                kind = dataset.actor_types.get((name, country)) or ""
                group = codebook.actor_group_of(kind) if kind else None
                nodes[key] = {
                    "name": name,
                    "country": country or "",
                    "type": kind,
                    "group": group or "unknown",
                }
        for a, b in combinations(sorted(keys), 2):
            edges[(a, b)].append((activity.key, activity.date.year))
    graph = nx.Graph()
    for key in sorted(nodes):
        graph.add_node(key, **nodes[key])
    for (a, b), shared in sorted(edges.items()):
        ids = sorted({key for key, _ in shared})
        years = [year for _, year in shared]
        graph.add_edge(
            a,
            b,
            weight=len(ids),
            first_year=min(years),
            last_year=max(years),
            activities=";".join(ids),
        )
    return graph


def build_graph(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None
) -> nx.Graph:
    """The co-participation graph of the activities in the window (planned ones excluded).

    Nodes are "Name [CC]" with name, country, type ("" when unknown) and group ("unknown" when
    the type is unknown); edges carry weight (shared activities), first_year, last_year and
    activities (";"-joined keys, so GraphML and GEXF can store them).
    """
    options = options or AnalysisOptions()
    activities, _ = _counted(dataset, codebook, options)
    return _graph(activities, dataset, codebook)


def _ids(graph: nx.Graph, edges: list[tuple[str, str]]) -> list[str]:
    found: set[str] = set()
    for a, b in edges:
        found.update(graph.edges[a, b]["activities"].split(";"))
    return sorted(found)


def _is_cross_border(graph: nx.Graph, a: str, b: str) -> bool:
    return {graph.nodes[a]["country"], graph.nodes[b]["country"]} == set(BORDER)


def _is_international(graph: nx.Graph, node: str) -> bool:
    attrs = graph.nodes[node]
    return attrs["country"] == INTERNATIONAL or attrs["group"] == "international"


def _tie(graph: nx.Graph, a: str, b: str) -> dict:
    data = graph.edges[a, b]
    return {
        "actors": [a, b],
        "weight": data["weight"],
        "first_year": data["first_year"],
        "last_year": data["last_year"],
        "activity_ids": data["activities"].split(";"),
    }


def _tie_block(graph: nx.Graph, edges: list[tuple[str, str]], listed: bool) -> dict:
    block = {
        "ties": len(edges),
        "weight": sum(graph.edges[a, b]["weight"] for a, b in edges),
        "activity_ids": _ids(graph, edges),
    }
    if listed:
        block["list"] = [_tie(graph, a, b) for a, b in edges]
    return block


def _share(hits: list[str], misses: list[str]) -> dict:
    n = len(hits) + len(misses)
    return {
        "actors": n,
        "with_tie": len(hits),
        **share_with_interval(len(hits), n),
        "ids_with_tie": hits,
        "ids_without_tie": misses,
    }


def _reach_across(graph: nx.Graph) -> dict:
    """Share of the Kyrgyz and Tajik actors with at least one partner from the other country."""
    hits: dict[str, list[str]] = {cc: [] for cc in BORDER}
    misses: dict[str, list[str]] = {cc: [] for cc in BORDER}
    for node, country in graph.nodes(data="country"):
        if country not in BORDER:
            continue
        other = BORDER[1] if country == BORDER[0] else BORDER[0]
        tied = any(graph.nodes[n]["country"] == other for n in graph.neighbors(node))
        (hits if tied else misses)[country].append(node)
    result = _share(hits["KG"] + hits["TJ"], misses["KG"] + misses["TJ"])
    result["by_country"] = {cc: _share(hits[cc], misses[cc]) for cc in BORDER}
    return result


def betweenness(graph: nx.Graph) -> dict[str, float]:
    """Weighted betweenness of every actor (distance = 1 / weight, so frequent partners are
    close); all zero on a graph without ties. Exact, in array operations
    (:mod:`lowpolitics.analysis.betweenness`): networkx's own loop took hours at 100,000
    activities."""
    return weighted_betweenness(graph, weight="weight")


def brokers(scores: dict[str, float]) -> list[tuple[float, str]]:
    """The bridging actors: the top ``TOP_BRIDGES`` by betweenness, only those above zero."""
    ranked = sorted(
        ((value, node) for node, value in scores.items() if value > 1e-12),
        key=lambda item: (-round(item[0], TIE_DIGITS), item[1]),
    )
    return ranked[:TOP_BRIDGES]


def _bridges(graph: nx.Graph) -> list[dict]:
    """The actors most often on the shortest path between others; only those above zero."""
    if graph.number_of_edges() == 0:
        return []
    return [
        {
            "actor": node,
            "name": graph.nodes[node]["name"],
            "country": graph.nodes[node]["country"],
            "type": graph.nodes[node]["type"],
            "group": graph.nodes[node]["group"],
            "betweenness": _round(value),
            "degree": graph.degree(node),
        }
        for value, node in brokers(betweenness(graph))
    ]


def community_groups(graph: nx.Graph) -> list[list[str]]:
    """Louvain communities of more than one actor, largest first (community ``i`` is item
    ``i - 1``); actors without a tie belong to none."""
    if graph.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=LOUVAIN_SEED)
    return sorted((sorted(c) for c in found if len(c) > 1), key=lambda c: (-len(c), c))


def _communities(graph: nx.Graph) -> dict:
    """Louvain communities of actors with at least one tie; isolated actors are listed apart."""
    isolated = sorted(nx.isolates(graph))
    if graph.number_of_edges() == 0:
        return {
            "method": COMMUNITY_METHOD,
            "modularity": None,
            "count": 0,
            "list": [],
            "isolated": isolated,
            "spanning_both": 0,
        }
    groups = community_groups(graph)
    covered = {member for group in groups for member in group}
    # the modularity of the partition Louvain found: its groups and each actor left alone
    partition = [set(group) for group in groups] + [{n} for n in graph if n not in covered]
    modularity = nx.community.modularity(graph, partition, weight="weight")
    listed = []
    for number, members in enumerate(groups, start=1):
        countries: dict[str, int] = defaultdict(int)
        for member in members:
            countries[graph.nodes[member]["country"]] += 1
        listed.append(
            {
                "id": number,
                "size": len(members),
                "members": members,
                "countries": dict(sorted(countries.items())),
                "spans_both": all(countries.get(cc) for cc in BORDER),
                "activity_ids": _ids(graph, list(graph.subgraph(members).edges())),
            }
        )
    return {
        "method": COMMUNITY_METHOD,
        "modularity": _round(modularity),
        "count": len(listed),
        "list": listed,
        "isolated": isolated,
        "spanning_both": sum(1 for c in listed if c["spans_both"]),
    }


def _pair(graph: nx.Graph, a: str, b: str) -> str:
    return "–".join(sorted((graph.nodes[a]["group"], graph.nodes[b]["group"])))


def _by_group(graph: nx.Graph, cross: list[tuple[str, str]]) -> tuple[dict, dict]:
    """Cross-border ties by group pair, and ties (all and cross-border) touching each group."""
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in cross:
        pairs[_pair(graph, a, b)].append((a, b))
    by_pair = {
        pair: _tie_block(graph, edges, listed=False) for pair, edges in sorted(pairs.items())
    }
    cross_set = set(cross)
    by_group: dict[str, dict] = {}
    for group in sorted({g for _, g in graph.nodes(data="group")}):
        members = [n for n, g in graph.nodes(data="group") if g == group]
        touching = sorted({tuple(sorted(e)) for e in graph.edges(members)})
        crossing = [e for e in touching if e in cross_set]
        by_group[group] = {
            "actors": len(members),
            "ties": len(touching),
            "cross_border_ties": len(crossing),
            "activity_ids": _ids(graph, touching),
            "cross_border_activity_ids": _ids(graph, crossing),
        }
    return by_pair, by_group


def _metrics(graph: nx.Graph, activities: list[ActivityView], listed: bool) -> dict:
    edges = sorted(tuple(sorted(e)) for e in graph.edges())
    cross = [(a, b) for a, b in edges if _is_cross_border(graph, a, b)]
    international = [
        (a, b) for a, b in edges if _is_international(graph, a) or _is_international(graph, b)
    ]
    countries: dict[str, int] = defaultdict(int)
    for _, country in graph.nodes(data="country"):
        countries[country] += 1
    by_pair, by_group = _by_group(graph, cross)
    return {
        "activities": len(activities),
        "activity_ids": sorted(a.key for a in activities),
        "without_actors": sorted(a.key for a in activities if not a.actors),
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "density": _round(nx.density(graph)) if graph.number_of_nodes() > 1 else None,
        "actors_by_country": dict(sorted(countries.items())),
        "all_ties": _tie_block(graph, edges, listed=False),
        "cross_border": _tie_block(graph, cross, listed),
        "international": _tie_block(graph, international, listed),
        "reach_across": _reach_across(graph),
        "bridging_actors": _bridges(graph),
        "communities": _communities(graph),
        "cross_border_by_group_pair": by_pair,
        "ties_by_group": by_group,
    }


def donor_reliance(activities: list[ActivityView], dataset: Dataset, codebook: Codebook) -> dict:
    """How much cross-border work leans on international organisations and donors."""
    cross, leaning = [], []
    for activity in activities:
        actors = took_part(activity, codebook)
        countries = {country for _, country, _ in actors}
        if not set(BORDER) <= countries:
            continue
        cross.append(activity.key)
        if any(
            role in ("organiser", "funder")
            and (
                country == INTERNATIONAL
                or codebook.actor_group_of(dataset.actor_types.get((name, country)) or "")
                == "international"
            )
            for name, country, role in actors
        ):
            leaning.append(activity.key)
    return {
        "cross_border_activities": len(cross),
        "with_international_organiser_or_funder": len(leaning),
        **share_with_interval(len(leaning), len(cross)),
        "ids": sorted(leaning),
        "cross_border_ids": sorted(cross),
    }


def network_metrics(
    dataset: Dataset, codebook: Codebook, options: AnalysisOptions | None = None
) -> dict:
    """Network measures for the whole window and for each calendar year separately."""
    options = options or AnalysisOptions()
    activities, planned = _counted(dataset, codebook, options)
    whole = _graph(activities, dataset, codebook)
    overall = _metrics(whole, activities, listed=True)
    overall["donor_reliance"] = donor_reliance(activities, dataset, codebook)
    top = overall["bridging_actors"][:5]
    overall["top_bridges_international"] = {
        "of": len(top),
        "international": sum(
            1 for b in top if b["group"] == "international" or b["country"] == INTERNATIONAL
        ),
    }
    by_year: dict[str, dict] = {}
    years: dict[int, list[ActivityView]] = defaultdict(list)
    for activity in activities:
        years[activity.date.year].append(activity)
    for year in sorted(years):
        graph = _graph(years[year], dataset, codebook)
        by_year[str(year)] = _metrics(graph, years[year], listed=False)
    warnings: list[str] = []
    if overall["nodes"] < SMALL_NETWORK:
        warnings.append(
            note(
                N_(
                    "only {n} actors in the window: network measures on so few actors describe "
                    "these actors, not a network"
                ),
                n=overall["nodes"],
            )
        )
    small_years = [y for y, block in by_year.items() if block["nodes"] < SMALL_NETWORK]
    if small_years:
        warnings.append(
            note(
                N_(
                    "fewer than {n} actors in {years}: network measures on so few actors "
                    "describe these actors, not a network"
                ),
                n=SMALL_NETWORK,
                years=small_years,
            )
        )
    if overall["without_actors"]:
        warnings.append(
            note(
                N_("{n} counted activities name no actor; they add nothing to the network"),
                n=len(overall["without_actors"]),
            )
        )
    untyped = [n for n, g in whole.nodes(data="group") if g == "unknown"]
    if untyped:
        warnings.append(
            note(
                N_("{n} actors have no known type; they are grouped as 'unknown'"),
                n=len(untyped),
            )
        )
    if overall["nodes"] and not overall["cross_border"]["ties"]:
        warnings.append(note(N_("no Kyrgyz–Tajik tie in the window")))
    return {
        "methods": {
            "tie": (
                "two actors took part (organiser, participant or funder) in the same cooperative "
                "activity; weight = activities shared; statements, restrictions and mentioned "
                "actors make no tie"
            ),
            "counted": (
                "cooperative units (linked reports merged) with any status except planned, "
                "dated inside the window"
            ),
            "donor_reliance": (
                "cross-border activities (a KG and a TJ actor took part) with an international "
                "actor as organiser or funder, Wilson interval"
            ),
            "year": "an activity belongs to the year it started",
            "cross_border_tie": "a tie between one KG actor and one TJ actor",
            "international_tie": (
                "a tie with at least one international actor (country INT or an actor type "
                "in the international group); reported apart from cross-border ties"
            ),
            "reach_across": "KG and TJ actors with at least one tie to the other country",
            "reach_interval": RATE_METHOD,
            "bridging": BETWEENNESS_METHOD + f"; top {TOP_BRIDGES}, values above zero",
            "communities": COMMUNITY_METHOD + "; communities of one actor listed as isolated",
            "density": "edges ÷ possible pairs of actors (isolated actors included)",
            "small_network_threshold": SMALL_NETWORK,
        },
        "window": {
            "from": options.date_from.isoformat() if options.date_from else None,
            "to": options.date_to.isoformat() if options.date_to else None,
        },
        "overall": overall,
        "by_year": by_year,
        "planned_not_counted": len(planned),
        "planned_ids": planned,
        "warnings": warnings,
    }
