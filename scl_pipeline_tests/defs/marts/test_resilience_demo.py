"""Issue 9's story on the demo organisation, end to end: the planted bridges of the participants'
network head bridge_criticality; removing the hub country's bridge people fragments the
participants at baseline and not at the last wave; both in the marts and in the UI metadata.
The expected numbers are the generator's truth (``_demo_truth.json``), computed apart from the
pipeline."""

import dagster as dg
import pytest

from scl_pipeline.defs.marts.bridges import BRIDGES_KEY
from scl_pipeline.defs.marts.resilience import BASELINE_SCENARIOS_KEY, WAVE_SCENARIOS_KEY
from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import (
    materialization_metadata, materialize_unpartitioned, materialize_wave, query,
)

FIGURES = ("largest_component_share_before", "largest_component_share_after", "fragmentation_before",
           "fragmentation_after")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    lake = DataLake(tmp_path_factory.mktemp("demo_resilience") / "lake")
    truth = generate_demo_org(lake.landing, people=1_500)
    materialize_unpartitioned(lake, [dg.AssetKey(["raw", "participants"])])
    last, baseline = truth.waves[-1], truth.baseline_wave
    # The last wave first, as a backfill may: the baseline's bridges are found all the same.
    waves = {w: materialization_metadata(materialize_wave(lake, w)) for w in (last, baseline)}
    cross = materialization_metadata(
        materialize_unpartitioned(lake, [BASELINE_SCENARIOS_KEY, dg.AssetKey(["marts", "resilience_scenarios"])])
    )
    return lake, truth, waves, cross


def _scenario(lake, wave, name):
    return query(lake, "select * from marts.resilience_scenarios where wave = $w and scope = 'participants' "
                 "and scenario = $s", {"w": wave, "s": name}).iloc[0]


def test_planted_bridges_head_the_participants_bridge_table(demo):
    lake, truth, waves, _ = demo
    rows = query(lake, "select * from marts.bridge_criticality where wave = $w and scope = 'participants' "
                 "order by rank", {"w": truth.baseline_wave})
    top = rows.head(len(truth.planted_bridges))
    assert set(top["employee_id"]) == set(truth.planted_bridges)
    assert top["critical"].all() and (top["country"] == truth.hub_country).all()
    assert not rows["critical"].iloc[len(top):].any()
    for row in top.itertuples():
        planted = truth.bridge_criticality[row.employee_id]
        assert (row.people_cut_off, row.pieces, row.countries_cut_off) == (
            planted["people_cut_off"], planted["pieces"], len(planted["countries_cut_off"]))
    # The UI shows the same head, by rank and country only.
    meta = waves[truth.baseline_wave][BRIDGES_KEY]
    assert meta["critical_bridges_participants"].value == len(truth.planted_bridges)
    shown = meta["top_critical_bridges"].value.split("**participants**")[1]
    lines = [line for line in shown.splitlines() if line.strip().startswith("|") and "---" not in line][1:]
    assert len(lines) == 5 and all(f"| {truth.hub_country} " in line.replace("  ", " ") for line in lines)
    cut_offs = sorted((p["people_cut_off"] for p in truth.bridge_criticality.values()), reverse=True)[:5]
    assert [int(line.split("|")[3]) for line in lines] == cut_offs


def test_removing_the_hub_bridges_fragments_the_baseline_not_the_last_wave(demo):
    lake, truth, waves, cross = demo
    baseline, last = truth.baseline_wave, truth.waves[-1]
    then = _scenario(lake, baseline, f"country_single_bridges:{truth.hub_country}")
    again = _scenario(lake, baseline, "baseline_single_bridges")
    now = _scenario(lake, last, "baseline_single_bridges")
    for row, expected in ((then, truth.bridge_removal[baseline]), (again, truth.bridge_removal[baseline]),
                          (now, truth.bridge_removal[last])):
        assert row["removed_people"] == expected["removed"] == len(truth.planted_bridges)
        for figure in FIGURES:
            assert row[figure] == pytest.approx(expected[figure]), figure
    assert then["largest_component_share_after"] < 0.3 and then["country_pairs_disconnected"] > 0
    assert now["largest_component_share_after"] >= 0.95 and now["country_pairs_disconnected"] == 0
    # In the UI: the wave step names the hub's scenario the worst of the baseline, and the
    # cross-wave step shows the same people removed again at the last wave.
    worst = waves[baseline][WAVE_SCENARIOS_KEY]["worst_country_scenario"].value["participants"]
    assert worst["country"] == truth.hub_country
    assert worst["fragmentation_after"] == pytest.approx(truth.bridge_removal[baseline]["fragmentation_after"])
    assert cross[BASELINE_SCENARIOS_KEY]["baseline_wave"].value == baseline
    shown = cross[BASELINE_SCENARIOS_KEY]["by_wave"].value[last]["participants"]
    assert shown["removed_people"] == len(truth.planted_bridges)
    for figure in FIGURES:
        assert shown[figure] == pytest.approx(truth.bridge_removal[last][figure], abs=1e-6), figure
