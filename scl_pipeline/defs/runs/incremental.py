"""Skip a job whose inputs did not change since its last successful run (issue 22 §3).

A job's fingerprint (``lib/runs/inputs.py``) has these parts:

- ``landing:<file>``: the content hash of each landing file the job reads: a wave's folder, the
  previous landed wave's (its sanity gates compare against it), and the landing root's
  ``column_aliases.toml``, ``survey_layout.toml`` and ``scenarios.toml``; for the program and cross-wave jobs everything
  under ``landing/`` but the waves.
- ``settings:<resource>``: the values of every resource the job's assets require (``--set``,
  the launchpad's config), so a changed threshold recomputes what it affects.
- ``code``: the code version (the project's sources and its libraries' versions), which is also
  every asset's Dagster ``code_version``.
- ``upstream:<asset>``: the latest materialization (event storage id) of each asset the job reads
  but does not compute (the roster for a wave; every wave's marts for the cross-wave job; the
  cross-wave marts for a wave's report): when an upstream was recomputed, so is the job.
- ``env:pseudonym_key`` / ``env:serving_group`` for jobs that publish: a keyed hash of the key
  (never the key) and the group.

The digest is the run tag ``scl/inputs`` of each run ``scl run`` launches, in the Dagster
instance, so the UI shows it on every run. A job is skipped when its latest run (for that
wave) succeeded with the same digest, every asset that run materialized has not been
materialized since by another run (a UI run with other settings), and its output is still there.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import dagster as dg

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.lake_access import SERVING_GROUP_ENV
from scl_pipeline.lib.ingestion.survey_config import SURVEY_LAYOUT_FILE
from scl_pipeline.lib.runs.inputs import Fingerprint, code_version, landing_parts, settings_part
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.lib.waves import is_wave, parse_wave, wave_to_partition_key

INPUTS_TAG = "scl/inputs"
# Landing files at the root that every wave reads (ingestion's aliases and survey layouts,
# resilience's scenarios).
WAVE_LANDING_FILES: tuple[str, ...] = ("column_aliases.toml", SURVEY_LAYOUT_FILE, "scenarios.toml")


def fingerprint(
    defs: dg.Definitions, instance: dg.DagsterInstance, lake: DataLake, job_name: str, wave: str | None = None
) -> Fingerprint:
    """The fingerprint of ``job_name`` (for ``wave``'s partition) as things stand now."""
    graph = defs.resolve_asset_graph()
    keys = set(defs.resolve_job_def(job_name).asset_layer.selected_asset_keys)
    parts = {"code": code_version(), **landing_parts(lake.root, _landing_inputs(lake, wave))}
    # The lake resource says where the data is, not how it is computed.
    required = set().union(*(graph.get(k).assets_def.required_resource_keys for k in keys)) - {"lake"}
    for name in required:
        if isinstance(resource := (defs.resources or {}).get(name), dg.ConfigurableResource):
            parts[f"settings:{name}"] = settings_part(resource.model_dump())
    if "serving" in required:
        key = os.environ.get(PSEUDONYM_KEY_ENV, "").strip()
        # A keyed hash: the fingerprint says the key changed without saying anything about the key.
        parts["env:pseudonym_key"] = hmac.new(key.encode(), b"scl-inputs", hashlib.sha256).hexdigest()[:16] if key else "none"
        parts["env:serving_group"] = os.environ.get(SERVING_GROUP_ENV, "").strip()
    for key in {p for k in keys for p in graph.get(k).parent_keys} - keys:
        if graph.has(key) and graph.get(key).is_materializable:
            partition = wave_to_partition_key(wave) if wave and graph.get(key).partitions_def else None
            latest = _latest(instance, key, partition)
            parts[f"upstream:{key.to_user_string()}"] = str(latest.storage_id if latest else 0)
    return Fingerprint(parts)


def _landing_inputs(lake: DataLake, wave: str | None) -> list[Path]:
    if wave is None:
        return [p for p in sorted(lake.landing.iterdir()) if p.name != "waves"] if lake.landing.is_dir() else []
    # The sanity gates compare a wave with the one landed before it.
    folder = lake.landing / "waves"
    earlier = [p.name for p in folder.iterdir() if is_wave(p.name) and parse_wave(p.name) < parse_wave(wave)] if folder.is_dir() else []
    previous = [lake.wave_folder(max(earlier, key=parse_wave))] if earlier else []
    return [lake.wave_folder(wave), *previous, *(lake.landing / name for name in WAVE_LANDING_FILES)]


def _latest(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str | None) -> dg.EventLogRecord | None:
    """``key``'s latest materialization (of ``partition``), None if it has none."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None), limit=1
    ).records
    return records[0] if records else None


def up_to_date(instance: dg.DagsterInstance, lake: DataLake, job_name: str, wave: str | None, current: Fingerprint) -> bool:
    """Whether the latest run of ``job_name`` (for ``wave``) succeeded with ``current``'s digest,
    what it materialized is still the latest materialization of each of its assets, and what it
    wrote is still on disk."""
    tags = {"dagster/partition": wave_to_partition_key(wave)} if wave else {}
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name, tags=tags), limit=1)
    if not runs or runs[0].status != dg.DagsterRunStatus.SUCCESS or runs[0].tags.get(INPUTS_TAG) != current.digest:
        return False
    run = runs[0]
    records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    materialized = {(r.event_log_entry.dagster_event.asset_key, r.event_log_entry.dagster_event.partition) for r in records}
    return bool(materialized) and all(
        (latest := _latest(instance, key, partition)) is not None and latest.run_id == run.run_id
        for key, partition in materialized
    ) and _outputs_present(lake, job_name, wave)


def _outputs_present(lake: DataLake, job_name: str, wave: str | None) -> bool:
    """A warehouse deleted or replaced by hand while the Dagster instance was kept must not be
    taken for up to date."""
    from scl_pipeline.defs.jobs import cross_wave_job, wave_job, wave_report_job
    from scl_pipeline.lib.reports.build import wave_folder
    from scl_pipeline.lib.reports.document import HTML_NAME
    from scl_pipeline.lib.serving.publication import SERVING_DB
    from scl_pipeline.lib.warehouse.connection import connect
    from scl_pipeline.lib.warehouse.tables import table_exists

    if not lake.warehouse_path.is_file():
        return False
    if job_name == wave_job.name and wave:
        with connect(lake.warehouse_path, read_only=True) as con:
            return table_exists(con, "marts.wave_summary") and bool(
                con.execute("SELECT count(*) FROM marts.wave_summary WHERE wave = $wave", {"wave": wave}).fetchall()[0][0]
            )
    if job_name == cross_wave_job.name:
        return (lake.serving / SERVING_DB).is_file()
    if job_name == wave_report_job.name and wave:
        return (wave_folder(lake.reports, wave) / HTML_NAME).is_file()
    return True
