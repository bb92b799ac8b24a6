"""Declarative automation: cross-wave assets and the serving copy follow the waves they read.

When any wave's marts are re-materialised (a scheduled run, a sensed landing, a backfill from the
UI), every ``all_waves`` asset re-runs once (the serving copy is published, the program report
drawn), then every loaded wave's report is drawn again from the new cross-wave marts. The condition
waits while any upstream wave is still in progress (a backfill of nine waves publishes once, at
the end, not nine times) and never starts a second run while one is in flight.

``AutomationCondition.eager()`` does not fit: it refuses to run while *any* upstream partition is
missing, and the quarterly partitions reach back to 2020-Q4 and forward to the current quarter, so
an organisation that has not landed every quarter would never publish.

Dagster 1.13 creates an implicit ``default_automation_condition_sensor`` only in the STOPPED state;
this module declares its own sensor, running by default, so ``dagster dev`` (and any deployment
with the daemon) evaluates the conditions without anyone switching a toggle in the UI.
"""

import warnings

import dagster as dg

from scl_pipeline.defs.partitions import GRAIN_TAG

AFTER_UPSTREAM_UPDATES = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("after upstream waves update")

# A wave's report reads its wave's marts and the cross-wave marts: it follows the cross-wave
# marts (which follow every wave update), so a backfill draws each page once, from final marts,
# and only for waves whose marts exist (the partitions reach back to 2020-Q4).
AFTER_CROSS_WAVE_UPDATES = (
    dg.AutomationCondition.any_deps_updated().allow(dg.AssetSelection.tag(GRAIN_TAG, "all_waves")).since_last_handled()
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("after the cross-wave marts update")

CROSS_WAVE_SELECTION = dg.AssetSelection.tag(GRAIN_TAG, "all_waves") | dg.AssetSelection.tag(
    GRAIN_TAG, "wave_after_all_waves"
)

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
