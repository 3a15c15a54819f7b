"""Exact weighted betweenness with array operations, for actor networks of real size.

networkx computes Brandes' algorithm one source at a time in pure Python (a Dijkstra run,
then the dependencies, over dictionaries): on a store of 100,000 activities the actor graph
has thousands of actors and hundreds of thousands of ties, and the overall graph plus one
per year took hours. The measure itself is not the problem, the interpreter is; so this
module computes the same quantity from the same definitions with compiled code:

* shortest distances from a block of sources at once with ``scipy.sparse.csgraph.dijkstra``
  (distance = 1 / weight, the same floating-point sums as networkx's: a distance is the
  smallest ``D[u] + 1/w`` over the neighbours, a fixed point both reach);
* the *tight* ties of each source — ``D[s, u] + 1/w(u, v) == D[s, v]``, the exact equality
  networkx uses to collect equal shortest paths — which form each source's shortest-path DAG;
* path counts (sigma) and dependencies (delta) on those DAGs by repeating one vectorised
  relaxation until nothing changes: on a DAG that takes as many rounds as its longest path
  has steps, and every round settles one more step exactly.

The results agree with ``networkx.betweenness_centrality(weight=..., normalized=True)`` to
rounding in the last bits (the additions run in another order); ``tests/test_network.py``
holds the two together on random graphs, ties of equal length included.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

# entries of the arrays built per block of sources (sources × directed ties, sources × nodes):
# bounds the memory a block takes, whatever the size or the sparseness of the graph
BLOCK_ENTRIES = 2_000_000


def weighted_betweenness(graph: nx.Graph, weight: str = "weight") -> dict[str, float]:
    """Normalised betweenness of every node, shortest paths with distance = 1 / ``weight``.

    The same measure as ``nx.betweenness_centrality`` on a copy whose ``distance`` is
    1 / weight (undirected, endpoints excluded, divided by (n - 1)(n - 2))."""
    nodes = list(graph.nodes)
    n = len(nodes)
    if graph.number_of_edges() == 0:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    ends = np.array([(index[a], index[b]) for a, b in graph.edges()], dtype=np.int64)
    weights = np.array([w for _, _, w in graph.edges(data=weight)], dtype=np.float64)
    cost = 1.0 / weights
    # every tie in both directions: the graph is undirected, a path may use it either way
    tail = np.concatenate([ends[:, 0], ends[:, 1]])
    head = np.concatenate([ends[:, 1], ends[:, 0]])
    cost = np.concatenate([cost, cost])
    # arcs sorted by tail: the tight arcs found per block then come sorted by (source, tail)
    by_tail = np.argsort(tail, kind="stable")
    tail, head, cost = tail[by_tail], head[by_tail], cost[by_tail]
    matrix = csr_array((cost, (tail, head)), shape=(n, n))
    totals = np.zeros(n)
    block = max(1, BLOCK_ENTRIES // max(len(tail), n))  # sources × arcs and sources × nodes
    for first in range(0, n, block):
        sources = np.arange(first, min(n, first + block))
        totals += _dependencies(matrix, sources, tail, head, cost, n)
    if n - 1 >= 2:  # networkx's scale for normalised, undirected, endpoints excluded
        totals *= 1 / ((n - 1) * (n - 2))
    return {node: float(totals[i]) for i, node in enumerate(nodes)}


def _dependencies(
    matrix: csr_array,
    sources: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    cost: np.ndarray,
    n: int,
) -> np.ndarray:
    """Summed dependencies (Brandes' delta) of every node on the given sources."""
    rows = len(sources)
    distance = dijkstra(matrix, directed=True, indices=sources)
    distance[np.isinf(distance)] = np.nan  # unreachable: equal to nothing, itself included
    near = distance[:, tail]
    near += cost
    tight = near == distance[:, head]
    del near
    source_of, tie = np.nonzero(tight)
    offset = source_of * n
    # (source, node) pairs as one flat index; the DAG's arcs as pairs of such indices
    at_tail, at_head = offset + tail[tie], offset + head[tie]
    roots = np.arange(rows) * n + sources
    size = rows * n
    level = _levels(at_tail, at_head, roots, size)
    steps = level[at_tail].astype(_small_int(level))  # small integers: a radix sort
    order = np.argsort(steps, kind="stable")
    at_tail, at_head, steps = at_tail[order], at_head[order], steps[order]
    bounds = np.searchsorted(steps, np.arange(steps[-1] + 2)) if len(steps) else [0]
    # sigma, the number of shortest paths from the source to each node: arcs leaving the
    # nodes one step from the source, then two, ...; each adds a finished count
    sigma = np.zeros(size)
    sigma[roots] = 1.0
    for first, last in zip(bounds[:-1], bounds[1:], strict=False):
        np.add.at(sigma, at_head[first:last], sigma[at_tail[first:last]])
    # delta, each node's share of the paths through it to the nodes beyond: the same arcs
    # from the farthest step back, each read at a head whose share is already complete
    share = sigma[at_tail] / sigma[at_head]
    delta = np.zeros(size)
    head_steps = level[at_head].astype(steps.dtype)
    by_head = np.argsort(head_steps, kind="stable")[::-1]
    head_steps = head_steps[by_head]
    cuts = np.flatnonzero(np.diff(head_steps)) + 1
    for arcs in np.split(by_head, cuts):
        np.add.at(delta, at_tail[arcs], share[arcs] * (1.0 + delta[at_head[arcs]]))
    delta[roots] = 0.0  # a source is no intermediate of its own paths
    return delta.reshape(rows, n).sum(axis=0)


def _small_int(level: np.ndarray) -> type:
    """The narrowest integer type holding every step (numpy sorts 16-bit keys by radix)."""
    return np.int16 if level.max(initial=0) < np.iinfo(np.int16).max else np.int64


def _levels(at_tail: np.ndarray, at_head: np.ndarray, roots: np.ndarray, size: int) -> np.ndarray:
    """Each node's step in its source's shortest-path DAG: 0 for the source, else one more
    than its farthest predecessor (Kahn's order, all sources of the block at once). Arcs
    taken by the step of their tail, in increasing order, meet only finished counts. The arcs
    come sorted by tail."""
    level = np.full(size, -1, dtype=np.int64)
    waiting = np.bincount(at_head, minlength=size)  # predecessors not yet placed
    heads = at_head
    begin = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(at_tail, minlength=size), out=begin[1:])
    marker = np.zeros(size, dtype=np.int64)
    frontier, step = roots, 0
    while len(frontier):
        level[frontier] = step
        counts = begin[frontier + 1] - begin[frontier]
        total = int(counts.sum())
        if total == 0:
            break
        # the arcs leaving the frontier: begin[f] .. begin[f] + counts[f] for every f
        shift = np.repeat(begin[frontier] - np.cumsum(counts) + counts, counts)
        reached = heads[shift + np.arange(total)]
        np.subtract.at(waiting, reached, 1)
        done = reached[waiting[reached] == 0]
        # each node once: of its repeats, the one whose position the marker kept
        marker[done] = np.arange(len(done))
        frontier = done[marker[done] == np.arange(len(done))]
        step += 1
    return level
