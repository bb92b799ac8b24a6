"""Loading the code location stays light: every process that loads it (the ``scl`` CLI, the
Dagster daemon, webserver, gRPC server and each run worker) would otherwise pay seconds of imports
it rarely uses. igraph imports ``matplotlib.pyplot`` for its drawing module, and ``scipy.stats`` /
``scipy.optimize`` are only needed by the impact computation: they are imported where used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("igraph", "matplotlib.pyplot", "scipy.stats", "scipy.optimize", "scipy.spatial")


def _loaded_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_loading_the_definitions_imports_no_drawing_or_statistics_library():
    loaded = _loaded_after("import scl_pipeline.definitions")
    assert "scl_pipeline.definitions" in loaded
    assert sorted(name for name in HEAVY if name in loaded) == []


def test_igraph_is_imported_where_it_is_used():
    # The same probe sees igraph (and pyplot with it) once code that needs it runs: the check can fail.
    loaded = _loaded_after(
        "import scl_pipeline.definitions\n"
        "from scl_pipeline.lib.network.igraph_random import seeded_igraph_random\n"
        "with seeded_igraph_random(1):\n    pass"
    )
    assert "igraph" in loaded and "matplotlib.pyplot" in loaded
