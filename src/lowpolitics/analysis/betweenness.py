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

# entries of the (sources × directed ties) arrays built per block: bounds the memory a block
# takes (a few of these float arrays at once), whatever the size of the graph
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
    matrix = csr_array((cost, (tail, head)), shape=(n, n))
    totals = np.zeros(n)
    block = max(1, BLOCK_ENTRIES // len(tail))
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
    near = distance[:, tail]
    tight = np.isfinite(near) & (near + cost == distance[:, head])
    source_of, tie = np.nonzero(tight)
    offset = source_of * n
    at_tail, at_head = offset + tail[tie], offset + head[tie]
    size = rows * n
    start = np.zeros(size)
    start[np.arange(rows) * n + sources] = 1.0
    # sigma: the number of shortest paths from the source to each node
    sigma = start
    while True:
        grown = start + np.bincount(at_head, weights=sigma[at_tail], minlength=size)
        if np.array_equal(grown, sigma):
            break
        sigma = grown
    # delta: each node's share of the paths from the source through it to the nodes beyond
    share = sigma[at_tail] / sigma[at_head]
    delta = np.zeros(size)
    while True:
        grown = np.bincount(at_tail, weights=share * (1.0 + delta[at_head]), minlength=size)
        if np.array_equal(grown, delta):
            break
        delta = grown
    delta[np.arange(rows) * n + sources] = 0.0  # a source is no intermediate of its own paths
    return delta.reshape(rows, n).sum(axis=0)
