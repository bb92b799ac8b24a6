"""Why a cross-wave asset has nothing to measure: no wave is loaded (issue 22).

A lake whose every landed wave was rejected (a first delivery in a layout the pipeline does not
read yet) still runs the cross-wave step: the experiments, the roster and the settings may have
landed. Each cross-wave asset then materialises empty with this reason in its metadata instead of
failing on a table no wave has created; the run's only failures stay the rejected files.
"""

from __future__ import annotations

import duckdb

from scl_pipeline.lib.warehouse.tables import table_exists

METADATA_KEY = "nothing_to_measure"
NO_WAVE_LOADED = (
    "nothing to measure: no wave is loaded (every landed wave was rejected, or none has landed; "
    "the wave runs' failures and marts.data_quality say why)"
)


def loaded_waves(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The waves whose HR export is loaded (sorted); empty before any wave loaded."""
    if not table_exists(con, "raw.hr_export"):
        return []
    return [row[0] for row in con.execute("SELECT DISTINCT wave FROM raw.hr_export ORDER BY wave").fetchall()]


def no_wave_reason(con: duckdb.DuckDBPyConnection) -> str | None:
    """:data:`NO_WAVE_LOADED` when no wave is loaded, else None (there is something to measure)."""
    return None if loaded_waves(con) else NO_WAVE_LOADED
