"""The cross-wave automation never requests an asset while a cross-wave input it reads still has
to run: the race a deployment hit, where ``reports/program_report`` ran while the wave run was
still writing ``network/resilience_wave_scenarios`` (so ``marts/resilience_scenarios`` waited)
and failed on a new instance because the mart did not exist yet.

Nothing is executed: a wave run in progress is a run in ``STARTED`` status that plans the wave's
resilience step (as the daemon sees it while that step runs), and what a run wrote is reported
as materialisations, so each tick is evaluated exactly where the deployment's tick fell."""

import functools

import dagster as dg

from scl_pipeline.defs.marts.resilience import CURVE_KEY, SUMMARY_KEY, WAVE_SCENARIOS_KEY
from scl_pipeline.defs.marts.specs import mart_key
from scl_pipeline.defs.partitions import GRAIN_TAG
from scl_pipeline.defs.reports.pages import PROGRAM_REPORT_KEY, WAVE_REPORT_KEY
from scl_pipeline.defs.serving.assets import SERVING_KEY
from scl_pipeline.defs.serving.automation import CROSS_WAVE_CHAIN_LIMIT
from scl_pipeline.lib.waves import wave_to_partition_key
from scl_pipeline_tests.helpers.dagster import project_defs, wave_asset_keys

SCENARIOS_KEY = mart_key("resilience_scenarios")
# The wave step's resilience multi-asset: the last step of a wave run, written in one step.
RESILIENCE_STEP = {WAVE_SCENARIOS_KEY, CURVE_KEY, SUMMARY_KEY}


def _wave_run_writing_resilience(instance: dg.DagsterInstance, wave: str) -> dg.DagsterRun:
    """A ``wave_job`` run of ``wave`` that has written every other wave asset and is still in
    the resilience step."""
    partition = wave_to_partition_key(wave)
    run = instance.create_run_for_job(
        job_def=project_defs().resolve_job_def("wave_job"), status=dg.DagsterRunStatus.STARTED,
        tags={"dagster/partition": partition}, asset_selection=RESILIENCE_STEP,
    )
    for key in wave_asset_keys():
        if key not in RESILIENCE_STEP:
            instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=partition))
    return run


def _finish_resilience_step(instance: dg.DagsterInstance, wave: str) -> None:
    for key in RESILIENCE_STEP:
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=wave_to_partition_key(wave)))


def _run_requested(instance: dg.DagsterInstance, tick) -> None:
    """What the automation run of ``tick`` writes (all of it succeeds)."""
    for result in tick.results:
        for partition in tick.get_requested_partitions(result.key):
            instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=result.key, partition=partition))


def _requested(tick) -> set[dg.AssetKey]:
    return {r.key for r in tick.results if tick.get_num_requested(r.key)}


def test_program_report_waits_for_the_scenarios_mart_while_a_wave_still_writes_its_input():
    defs, instance = project_defs(), dg.DagsterInstance.ephemeral()
    tick = functools.partial(dg.evaluate_automation_conditions, defs, instance)
    first = tick()
    assert _requested(first) == set()

    # A new instance; the first wave's run is in its resilience step when the sensor ticks.
    _wave_run_writing_resilience(instance, "2021-Q1")
    during = tick(cursor=first.cursor)
    assert SCENARIOS_KEY not in _requested(during)  # its input is in progress
    assert mart_key("participant_network") in _requested(during)  # inputs done: not held up
    # The deployment's failure: the report read a mart that was never materialised.
    assert PROGRAM_REPORT_KEY not in _requested(during)
    assert SERVING_KEY not in _requested(during)

    # The automation run of that tick is done; the wave run still writes.
    _run_requested(instance, during)
    still = tick(cursor=during.cursor)
    assert not {SCENARIOS_KEY, PROGRAM_REPORT_KEY, SERVING_KEY, WAVE_REPORT_KEY} & _requested(still)

    # The wave step ends: the mart and what reads it are requested on one tick (one run, in
    # dependency order); the wave's page waits for them (it is partitioned: another run).
    _finish_resilience_step(instance, "2021-Q1")
    done = tick(cursor=still.cursor)
    assert {SCENARIOS_KEY, PROGRAM_REPORT_KEY, SERVING_KEY} <= _requested(done)
    assert WAVE_REPORT_KEY not in _requested(done)
    _run_requested(instance, done)
    pages = tick(cursor=done.cursor)
    assert pages.get_requested_partitions(WAVE_REPORT_KEY) == {wave_to_partition_key("2021-Q1")}
    _run_requested(instance, pages)
    quiet = tick(cursor=pages.cursor)
    assert _requested(quiet) == set()


def test_program_report_is_not_redrawn_from_the_old_mart_while_a_new_wave_still_writes_its_input():
    defs, instance = project_defs(), dg.DagsterInstance.ephemeral()
    tick = functools.partial(dg.evaluate_automation_conditions, defs, instance)
    graph = defs.resolve_asset_graph()
    # An instance where the first wave and everything after it were materialised.
    for key in graph.toposorted_asset_keys:
        grain = graph.get(key).tags.get(GRAIN_TAG)
        if graph.get(key).is_materializable and grain in ("wave", "wave_after_all_waves", "program", "all_waves"):
            partition = wave_to_partition_key("2021-Q1") if graph.get(key).partitions_def else None
            instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=partition))
    settled = tick()

    _wave_run_writing_resilience(instance, "2021-Q2")
    during = tick(cursor=settled.cursor)
    assert mart_key("participant_network") in _requested(during)
    assert not {SCENARIOS_KEY, PROGRAM_REPORT_KEY, SERVING_KEY, WAVE_REPORT_KEY} & _requested(during)
    _run_requested(instance, during)
    _finish_resilience_step(instance, "2021-Q2")
    after = tick(cursor=during.cursor)
    assert {SCENARIOS_KEY, PROGRAM_REPORT_KEY, SERVING_KEY} <= _requested(after)


def test_the_hold_looks_up_every_chain_of_cross_wave_assets():
    # The hold is nested CROSS_WAVE_CHAIN_LIMIT deep: a longer chain of cross-wave assets (one
    # reading another reading another ...) would let its last asset run before its first.
    graph = project_defs().resolve_asset_graph()
    cross_wave = {k for k in graph.materializable_asset_keys if graph.get(k).tags.get(GRAIN_TAG) == "all_waves"}

    @functools.cache
    def inputs_deep(key: dg.AssetKey) -> int:
        return max((1 + inputs_deep(p) for p in graph.get(key).parent_keys if p in cross_wave), default=0)

    # program_report -> resilience_scenarios -> resilience_baseline_scenarios is 2 today.
    assert max(inputs_deep(k) for k in graph.materializable_asset_keys) <= CROSS_WAVE_CHAIN_LIMIT
