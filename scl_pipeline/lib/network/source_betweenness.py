"""Betweenness of an undirected graph as a sum over chunks of source nodes, on worker processes.

Brandes' algorithm is a sum over source nodes of independent single-source terms, so the sources
can be split into chunks, each chunk's subset betweenness computed separately and the results
added. python-igraph holds the GIL while it computes, so threads do not help: the chunks go to
worker processes. Each worker rebuilds the graph once from the edge list (an igraph Graph is
not shared between processes) and then receives chunks of sources.

Workers are started with the 'spawn' context: forking a process that runs Dagster's threads (the
run supervisor, the event log) can copy a lock held by another thread and hang the child.

On an undirected graph igraph's subset betweenness (``sources=S``, every target) counts each
path from a source in S once and halves the total, exactly as the full computation counts each
unordered pair once: summed over a partition of all nodes into chunks it equals the full
computation (scl_pipeline_tests/lib/network/test_source_betweenness.py compares them).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import igraph as ig
import numpy as np

from scl_pipeline.lib.runs.progress import Progress

# Below this many nodes exact betweenness takes a few seconds at most: one call in this process,
# no progress to report. Starting the workers costs as much: under 'spawn' each worker re-imports
# the parent's main module, which in every real caller (the scl CLI, Dagster's code server, the
# benchmark) imports Dagster, 2 to 4 s measured on the 2-core machine.
MIN_PARALLEL_NODES = 5_000
# Sources are split into this many chunks (fewer if there are fewer sources), whatever the number
# of workers, so that the sum is rounded the same way for any worker count: progress moves in
# steps of 2.5% and up to a dozen workers finish close together.
CHUNKS = 40

_worker_graph: ig.Graph | None = None


def worker_count(setting: int) -> int:
    """The number of worker processes a ``betweenness_workers`` setting asks for (0: one per CPU)."""
    if setting < 0:
        raise ValueError(f"betweenness_workers must be 0 (one per CPU) or a positive count, not {setting}")
    return setting or (os.cpu_count() or 1)


def source_betweenness(
    graph: ig.Graph, sources: np.ndarray | None = None, workers: int = 1, progress: Progress | None = None
) -> np.ndarray:
    """Raw (unnormalised) betweenness of undirected ``graph`` from the paths that start at
    ``sources`` (every node when None), computed on ``workers`` processes (1: in this process).

    Graphs under :data:`MIN_PARALLEL_NODES` nodes are computed in one call in this process
    whatever ``workers`` says, without progress; above, ``progress(done, total)`` is called as
    chunks of sources finish.
    """
    n = graph.vcount()
    all_sources = sources is None
    chosen = np.arange(n) if all_sources else np.asarray(sources, dtype=np.int64)
    total = len(chosen)
    if total == 0 or n == 0:
        return np.zeros(n)
    small = n < MIN_PARALLEL_NODES
    in_process = workers <= 1 or small
    if small or (in_process and progress is None):
        # One call: nothing to report, nothing to split.
        values = graph.betweenness(directed=False) if all_sources else graph.betweenness(sources=chosen.tolist(), directed=False)
        return np.asarray(values, dtype=np.float64)

    chunks = np.array_split(chosen, min(total, CHUNKS))
    # The chunks are added in chunk order, whichever finishes first: the rounding, hence a value
    # equal to a role's threshold, is then the same from run to run and for any worker count.
    result = _OrderedSum(n)
    done = 0
    if in_process:
        for index, chunk in enumerate(chunks):
            result.add(index, _chunk_betweenness(graph, chunk))
            done += len(chunk)
            progress(done, total)
        return result.total(len(chunks))

    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)), mp_context=context, initializer=_init_worker, initargs=(n, edges)
    ) as pool:
        pending = {pool.submit(_worker_betweenness, chunk): index for index, chunk in enumerate(chunks)}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index = pending.pop(future)
                result.add(index, future.result())
                done += len(chunks[index])
            if progress is not None:
                progress(done, total)
    return result.total(len(chunks))


class _OrderedSum:
    """Adds chunk results in chunk order as they arrive, keeping only those that came early."""

    def __init__(self, n: int) -> None:
        self.sum, self.next, self.early = np.zeros(n), 0, {}

    def add(self, index: int, part: np.ndarray) -> None:
        self.early[index] = part
        while self.next in self.early:
            self.sum += self.early.pop(self.next)
            self.next += 1

    def total(self, chunks: int) -> np.ndarray:
        assert self.next == chunks and not self.early, "a chunk of sources was not computed"
        return self.sum


def _chunk_betweenness(graph: ig.Graph, chunk: np.ndarray) -> np.ndarray:
    return np.asarray(graph.betweenness(sources=chunk.tolist(), directed=False), dtype=np.float64)


def _init_worker(n: int, edges: np.ndarray) -> None:
    global _worker_graph
    _worker_graph = ig.Graph(n=n, edges=edges.tolist(), directed=False)


def _worker_betweenness(chunk: np.ndarray) -> np.ndarray:
    assert _worker_graph is not None, "worker started without its graph"
    return _chunk_betweenness(_worker_graph, chunk)
