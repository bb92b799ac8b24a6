"""Run the whole pipeline from the command line, wave by wave and stage by stage.

It materialises the same asset definitions the Dagster UI shows, in the Dagster instance of
``DAGSTER_HOME``, so every run done here is visible in the UI afterwards. Order: program-level
inputs (roster, experiments), then each wave's stages (asset groups in dependency order), then
cross-wave assets (longitudinal marts, serving).
"""

from __future__ import annotations

import graphlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import dagster as dg

from scl_pipeline.lib.waves import wave_to_partition_key

Printer = Callable[[str], None]


@dataclass
class StageResult:
    wave: str | None
    stage: str
    success: bool
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class PipelinePlan:
    """Asset keys split by when they run."""

    before_waves: list[list[dg.AssetKey]]  # unpartitioned inputs of the wave assets, by group
    wave_stages: list[tuple[str, list[dg.AssetKey]]]  # (group, keys) in dependency order
    after_waves: list[tuple[str, list[dg.AssetKey]]]


def plan_pipeline(defs: dg.Definitions) -> PipelinePlan:
    graph = defs.resolve_asset_graph()
    ordered = [k for k in graph.toposorted_asset_keys if graph.get(k).is_materializable]
    partitioned = [k for k in ordered if graph.get(k).partitions_def is not None]
    upstream_of_waves = set()
    for key in partitioned:
        upstream_of_waves |= graph.get(key).parent_keys
    before, after = [], []
    for key in ordered:
        if key in partitioned:
            continue
        (before if key in _ancestors(graph, upstream_of_waves) else after).append(key)
    return PipelinePlan(
        before_waves=[keys for _, keys in _by_group(graph, before)],
        wave_stages=_by_group(graph, partitioned),
        after_waves=_by_group(graph, after),
    )


def _ancestors(graph, keys: set[dg.AssetKey]) -> set[dg.AssetKey]:
    seen, frontier = set(), set(keys)
    while frontier:
        key = frontier.pop()
        if key in seen or not graph.has(key):
            continue
        seen.add(key)
        frontier |= graph.get(key).parent_keys
    return seen


def _by_group(graph, keys: Iterable[dg.AssetKey]) -> list[tuple[str, list[dg.AssetKey]]]:
    """Stages = asset groups, ordered so that every group runs after the groups it reads.

    When groups depend on each other both ways (no such order), stages fall back to runs of
    consecutive same-group assets in dependency order.
    """
    keys = list(keys)
    group_of = {key: graph.get(key).group_name for key in keys}
    after: dict[str, set[str]] = {group: set() for group in group_of.values()}
    for key in keys:
        for parent in graph.get(key).parent_keys:
            if parent in group_of and group_of[parent] != group_of[key]:
                after[group_of[key]].add(group_of[parent])
    try:
        order = list(graphlib.TopologicalSorter(after).static_order())
    except graphlib.CycleError:
        stages: list[tuple[str, list[dg.AssetKey]]] = []
        for key in keys:
            if stages and stages[-1][0] == group_of[key]:
                stages[-1][1].append(key)
            else:
                stages.append((group_of[key], [key]))
        return stages
    return [(group, [k for k in keys if group_of[k] == group]) for group in order]


def run_pipeline(
    defs: dg.Definitions,
    waves: list[str],
    instance: dg.DagsterInstance,
    resources: dict | None = None,
    echo: Printer = print,
) -> list[StageResult]:
    """Materialise everything for ``waves``; stops a wave at its first failed stage, goes on with the next."""
    plan = plan_pipeline(defs)
    assets = list(defs.assets or []) + list(defs.asset_checks or [])
    resources = resources if resources is not None else dict(defs.resources or {})
    results: list[StageResult] = []

    def run(keys: list[dg.AssetKey], stage: str, wave: str | None) -> StageResult:
        started = time.monotonic()
        result = dg.materialize(
            assets,
            selection=keys,
            partition_key=wave_to_partition_key(wave) if wave else None,
            instance=instance,
            resources=resources,
            raise_on_error=False,
            # The runner prints one line per stage; Dagster's own event log stays in the instance.
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
            tags={"scl/stage": stage, **({"scl/wave": wave} if wave else {})},
        )
        outcome = StageResult(wave, stage, result.success, time.monotonic() - started, _row_counts(result))
        if not result.success:
            outcome.error = _failure_message(result)
        results.append(outcome)
        echo(_format(outcome))
        return outcome

    for keys in plan.before_waves:
        run(keys, "inputs", None)
    for index, wave in enumerate(waves, start=1):
        echo(f"wave {wave} ({index}/{len(waves)})")
        for group, keys in plan.wave_stages:
            if not run(keys, group, wave).success:
                break
    for group, keys in plan.after_waves:
        run(keys, group, None)
    return results


def _row_counts(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    rows = {}
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        count = materialization.metadata.get("dagster/row_count")
        if count is not None:
            rows[materialization.asset_key.to_user_string()] = int(count.value)
    return rows


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            user = error.cause or error
            description = getattr(event.step_failure_data, "user_failure_data", None)
            if description is not None and description.description:
                return description.description
            return f"{user.cls_name}: {user.message.strip()}"
    failed_checks = [
        f"{c.asset_key.to_user_string()}:{c.check_name}" for c in result.get_asset_check_evaluations() if not c.passed
    ]
    return "failed checks: " + ", ".join(failed_checks) if failed_checks else "run failed"


def _format(outcome: StageResult) -> str:
    place = "  " if outcome.wave else ""
    status = "ok" if outcome.success else "FAILED"
    rows = ", ".join(f"{table} {count:,}" for table, count in outcome.rows.items())
    line = f"{place}{outcome.stage:<12} {status:<6} {outcome.seconds:6.1f}s  {rows}"
    return line + (f"\n{place}    -> {outcome.error}" if outcome.error else "")
