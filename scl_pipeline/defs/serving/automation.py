"""Declarative automation: cross-wave assets and the serving copy follow the waves they read.

When any wave's marts are re-materialised (a scheduled run, a sensed landing, a backfill from the
UI), every ``all_waves`` asset re-runs once (the serving copy is published, the program report
drawn), then every loaded wave's report is drawn again from the new cross-wave marts. The condition
waits while any upstream wave is still in progress (a backfill of nine waves publishes once, at
the end, not nine times) and never starts a second run while one is in flight.

Waiting for the *direct* inputs in progress is not enough: ``reports/program_report`` reads
``marts/resilience_scenarios``, which reads the wave step's ``network/resilience_wave_scenarios``.
While a wave run is still writing that one, the scenarios mart waits, but the report's own inputs
are done, so it ran without the mart (on a new instance it failed: the table did not exist yet).
So an asset also waits while any cross-wave input is *held back*: that input has to run again
(one of its own inputs was updated since it last ran or was requested, or is in progress; it was
never materialised; or a cross-wave input of its own is held back) and is not requested on this
tick.
When the held-back input is requested, the assets reading it are requested on the same tick:
unpartitioned assets requested together run in one run, in dependency order.

``AutomationCondition.eager()`` does not fit: it refuses to run while *any* upstream partition is
missing, and the quarterly partitions reach back to 2020-Q4 and forward to the current quarter, so
an organisation that has not landed every quarter would never publish.

Dagster 1.13 creates an implicit ``default_automation_condition_sensor`` only in the STOPPED state;
this module declares its own sensor, running by default, so ``dagster dev`` (and any deployment
with the daemon) evaluates the conditions without anyone switching a toggle in the UI.
"""

import warnings

import dagster as dg

from scl_pipeline.defs.jobs import CROSS_WAVE_ASSETS, WAVE_REPORT_ASSETS
from scl_pipeline.defs.partitions import GRAIN_TAG

# How many cross-wave assets up a chain the hold looks (program_report -> resilience_scenarios ->
# resilience_baseline_scenarios needs 2). Conditions cannot recurse, so the hold is nested this
# deep; a test checks that no chain in the project's graph is longer.
CROSS_WAVE_CHAIN_LIMIT = 3


def held_back(levels: int = CROSS_WAVE_CHAIN_LIMIT) -> dg.AutomationCondition:
    """True for a cross-wave asset that has to run again but is not requested on this tick, so
    whatever reads it must wait for it; ``levels`` is how far up its cross-wave inputs to look."""
    due = (
        dg.AutomationCondition.any_deps_updated().since_last_handled()
        | dg.AutomationCondition.any_deps_in_progress()
        | dg.AutomationCondition.missing()
    )
    if levels > 1:
        due = due | dg.AutomationCondition.any_deps_match(held_back(levels - 1)).allow(CROSS_WAVE_ASSETS)
    return (due & ~dg.AutomationCondition.will_be_requested()).with_label("held back")


NO_CROSS_WAVE_INPUT_HELD_BACK = ~dg.AutomationCondition.any_deps_match(held_back()).allow(
    CROSS_WAVE_ASSETS
).with_label("a cross-wave input is held back")

AFTER_UPSTREAM_UPDATES = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & NO_CROSS_WAVE_INPUT_HELD_BACK
    & ~dg.AutomationCondition.in_progress()
).with_label("after upstream waves update")

# A wave's report reads its wave's marts and the cross-wave marts: it follows the cross-wave
# marts (which follow every wave update), so a backfill draws each page once, from final marts,
# and only for waves whose marts exist (the partitions reach back to 2020-Q4).
AFTER_CROSS_WAVE_UPDATES = (
    dg.AutomationCondition.any_deps_updated().allow(CROSS_WAVE_ASSETS).since_last_handled()
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & NO_CROSS_WAVE_INPUT_HELD_BACK
    & ~dg.AutomationCondition.in_progress()
).with_label("after the cross-wave marts update")

# The job order's last two steps (defs/jobs.py): what reads every wave, then each wave's report.
CROSS_WAVE_SELECTION = CROSS_WAVE_ASSETS | WAVE_REPORT_ASSETS

cross_wave_automation_sensor = dg.AutomationConditionSensorDefinition(
    "cross_wave_automation_sensor",
    target=CROSS_WAVE_SELECTION,
    default_status=dg.DefaultSensorStatus.RUNNING,
    # Evaluating the conditions is cheap (a few assets); 15 s keeps "publish after a backfill"
    # prompt without loading the daemon.
    minimum_interval_seconds=15,
    description="Re-runs cross-wave assets, publishes the serving copy and redraws the reports after waves update.",
)


def with_cross_wave_automation(defs: dg.Definitions) -> dg.Definitions:
    """Give every ``all_waves`` asset :data:`AFTER_UPSTREAM_UPDATES` unless it declares its own
    condition (wherever the asset is defined, so new cross-wave marts are covered by default)."""

    def _apply(spec: dg.AssetSpec) -> dg.AssetSpec:
        if spec.tags.get(GRAIN_TAG) != "all_waves" or spec.automation_condition is not None:
            return spec
        return spec.replace_attributes(automation_condition=AFTER_UPSTREAM_UPDATES)

    # map_asset_specs is stable API but delegates to a preview function that warns on every load.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return defs.map_asset_specs(func=_apply)
