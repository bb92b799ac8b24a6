"""Betweenness of an undirected graph as a sum over chunks of source nodes, on worker processes.

Brandes' algorithm is a sum over source nodes of independent single-source terms, so the sources
can be split into chunks, each chunk's subset betweenness computed separately and the results
added. python-igraph holds the GIL while it computes, so threads do not help: the chunks go to
worker processes. Each worker receives the edge list and its chunks of sources, rebuilds the
graph once (an igraph Graph is not shared between processes) and sends back each chunk's
result as it finishes.

The workers are fresh interpreters (``python -m`` this module), not forks: forking a process
that runs Dagster's threads (the run supervisor, the event log) can copy a lock held by another
thread and hang the child; and not multiprocessing's 'spawn', which re-imports the caller's
main module (Dagster) in every worker.

On an undirected graph igraph's subset betweenness (``sources=S``, every target) counts each
path from a source in S once and halves the total, exactly as the full computation counts each
unordered pair once: summed over a partition of all nodes into chunks it equals the full
computation (scl_pipeline_tests/lib/network/test_source_betweenness.py compares them).
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from scl_pipeline.lib.runs.progress import Progress

if TYPE_CHECKING:
    import igraph as ig

# Below this many nodes exact betweenness takes a few seconds at most: one call in this process,
# no progress to report, and no worker start-up (a fresh interpreter importing igraph and numpy).
MIN_PARALLEL_NODES = 5_000
# Sources are split into this many chunks (fewer if there are fewer sources), whatever the number
# of workers, so that the sum is rounded the same way for any worker count: progress moves in
# steps of 2.5% and up to a dozen workers finish close together.
CHUNKS = 40

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
    in_process = workers <= 1
    if small:
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
            if progress is not None:
                progress(done, total)
        return result.total(len(chunks))

    edges = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    results: queue.Queue = queue.Queue()
    workers = min(workers, len(chunks))
    # Chunk i goes to worker i mod workers: the chunks cost about the same.
    procs = [_start_worker(n, edges, {i: chunks[i] for i in range(w, len(chunks), workers)}, results)
             for w in range(workers)]
    try:
        for _ in chunks:
            index, part = results.get()
            if part is None:
                raise RuntimeError(f"betweenness worker failed: {index}")
            result.add(index, part)
            done += len(chunks[index])
            if progress is not None:
                progress(done, total)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    return result.total(len(chunks))


def _start_worker(n: int, edges: np.ndarray, chunks: dict[int, np.ndarray], results: queue.Queue) -> subprocess.Popen:
    """A worker process running :func:`_serve` (``python -m`` this module): a fresh interpreter that
    imports igraph and numpy only. ('spawn' from multiprocessing would re-import the caller's main
    module in every worker: Dagster, 4 to 6 s, more than the workers save at 13,000 people.)"""
    root = str(Path(__file__).resolve().parents[3])  # the folder holding the scl_pipeline package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)

    def talk() -> None:
        try:
            pickle.dump((n, edges, chunks), proc.stdin)
            proc.stdin.close()
            for _ in chunks:
                results.put(pickle.load(proc.stdout))
        except Exception as exc:  # noqa: BLE001 - handed to the caller's thread
            proc.wait()
            results.put((f"{exc!r}; {proc.stderr.read().decode(errors='replace')[-2000:]}", None))

    threading.Thread(target=talk, daemon=True).start()
    return proc


def _serve() -> None:
    import igraph as ig

    n, edges, chunks = pickle.load(sys.stdin.buffer)
    graph = ig.Graph(n=n, edges=edges.tolist(), directed=False)
    for index, chunk in chunks.items():
        pickle.dump((index, _chunk_betweenness(graph, chunk)), sys.stdout.buffer)
        sys.stdout.buffer.flush()


def _chunk_betweenness(graph: ig.Graph, chunk: np.ndarray) -> np.ndarray:
    return np.asarray(graph.betweenness(sources=chunk.tolist(), directed=False), dtype=np.float64)


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


if __name__ == "__main__":
    _serve()
