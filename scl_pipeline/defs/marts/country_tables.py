"""The country marts of a wave: bonds between countries and the country mixing matrix."""

from collections.abc import Iterator

import dagster as dg

from scl_pipeline.defs.marts.specs import mart_key, wave_mart_spec
from scl_pipeline.defs.network.snapshot_io import wave_graphs_in
from scl_pipeline.defs.partitions import wave_multi_asset
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.marts.country_tables import country_mixing, country_wave_bonds
from scl_pipeline.lib.network.wave_graphs import WaveGraphs
from scl_pipeline.lib.warehouse.tables import write_partitions
from scl_pipeline.lib.waves import partition_key_to_wave

BONDS_KEY, MIXING_KEY = mart_key("country_wave_bonds"), mart_key("country_mixing")


@wave_multi_asset(
    [
        wave_mart_spec(
            BONDS_KEY,
            "One row per country and wave: people, internal and external edges of U, E-I and "
            "expected E-I, people with a cross-country tie, single-bridge people.",
        ),
        wave_mart_spec(
            MIXING_KEY,
            "One row per wave and (country, other_country) pair with strong arcs: arcs of D "
            "and row_share (share of the arcs sent from country).",
        ),
    ],
    ins={"graphs": wave_graphs_in()},
)
def country_tables(context: dg.AssetExecutionContext, lake: DataLakeResource, graphs: WaveGraphs) -> Iterator[dg.MaterializeResult]:
    """Country bonds and the country mixing matrix of the wave, from its saved snapshot."""
    wave = partition_key_to_wave(context.partition_key)
    snapshot = graphs.primary
    bonds = country_wave_bonds(snapshot)
    mixing = country_mixing(snapshot)
    with lake.warehouse() as con:
        written = write_partitions(con, "wave", wave, {"marts.country_wave_bonds": bonds, "marts.country_mixing": mixing})
    top = bonds.sort_values("people", ascending=False).head(10).drop(columns="wave")
    yield dg.MaterializeResult(
        asset_key=BONDS_KEY,
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["marts.country_wave_bonds"]),
            "largest_countries": dg.MetadataValue.md(top.to_markdown(index=False)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=MIXING_KEY,
        metadata={"wave": wave, "dagster/row_count": dg.MetadataValue.int(written["marts.country_mixing"])},
    )
