"""igraph's random numbers from a private, seeded generator for the length of one call.

igraph draws from Python's global ``random`` module by default. Seeding that module is not
enough to make a result reproducible inside Dagster: other threads of the process (the run
supervisor, the event log) may draw from the same global generator while igraph runs, and
python-igraph's bridge calls back into Python code (``random.randint``), where the interpreter
may switch threads. A ``random.Random`` of our own is touched by nobody else.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def seeded_igraph_random(seed: int) -> Iterator[None]:
    """igraph draws from ``random.Random(seed)`` inside the block, then from Python's ``random``
    again (igraph's default)."""
    # igraph is imported here, not at module level: it imports matplotlib.pyplot, seconds for
    # every process that merely loads the code location.
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)
