"""The report assets through the pipeline on a small demo lake (1,000 people, three waves):
every page and picture written, valid PNGs of the documented sizes, the asset metadata the UI
shows, no employee id or name anywhere a reader can read, and pictures that change exactly
when their data does."""

import base64
import re

import dagster as dg
import pandas as pd
import pytest

from scl_pipeline.defs.jobs import cross_wave_job, wave_report_job
from scl_pipeline.defs.partitions import GRAIN_TAG, WAREHOUSE_POOL
from scl_pipeline.defs.reports.pages import PROGRAM_REPORT_KEY, WAVE_REPORT_KEY
from scl_pipeline.defs.serving.automation import AFTER_CROSS_WAVE_UPDATES, AFTER_UPSTREAM_UPDATES
from scl_pipeline.lib.serving.pseudonyms import key_from_environment
from scl_pipeline.lib.waves import wave_to_partition_key
from scl_pipeline_tests.helpers.dagster import project_defs
from scl_pipeline_tests.helpers.reports import (
    landed_identities,
    pictures,
    png_size,
    report_lake,
    without_pictures,
)

WAVE_FIGURES = {"participants_network": (1100, 700), "resilience_scenario": (1100, 700),
                "country_mixing": (1000, 800), "robustness": (1100, 820)}  # two scopes
PROGRAM_FIGURES = {"baseline_vs_latest": (1400, 650), "waves_trend": (1400, 650), "event_study": (1400, 820),
                   "balance": (1000, 550), "experiment_1": (1000, 550), "roi": (1000, 550)}


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    return report_lake(tmp_path_factory.mktemp("reports"))


def _metadata(ran, key: dg.AssetKey, wave: str | None = None) -> dict:
    """The latest materialisation's metadata (of the wave's partition, when given)."""
    partitions = [wave_to_partition_key(wave)] if wave else None
    record = ran.instance.fetch_materializations(dg.AssetRecordsFilter(key, asset_partitions=partitions), limit=1)
    return dict(record.records[0].asset_materialization.metadata)


def test_report_assets_in_the_graph():
    graph = project_defs().resolve_asset_graph()
    wave, program = graph.get(WAVE_REPORT_KEY), graph.get(PROGRAM_REPORT_KEY)
    assert wave.group_name == program.group_name == "reports"
    # A wave's page reads the cross-wave marts: partitioned by wave, drawn after them, by its own
    # job and the automation; the program page is cross-wave like the marts it draws.
    assert wave.partitions_def is not None and wave.tags[GRAIN_TAG] == "wave_after_all_waves"
    assert wave.automation_condition == AFTER_CROSS_WAVE_UPDATES
    assert {dg.AssetKey(["marts", "participant_network"]), dg.AssetKey(["marts", "resilience_scenarios"]),
            dg.AssetKey(["marts", "wave_summary"])} <= wave.parent_keys
    assert program.partitions_def is None and program.tags[GRAIN_TAG] == "all_waves"
    assert program.automation_condition == AFTER_UPSTREAM_UPDATES
    assert {dg.AssetKey(["marts", t]) for t in ("roi", "experiment_kbis", "impact_did", "impact_balance")} <= program.parent_keys
    jobs = {name: set(project_defs().resolve_job_def(name).asset_layer.selected_asset_keys)
            for name in (wave_report_job.name, cross_wave_job.name)}
    assert jobs[wave_report_job.name] == {WAVE_REPORT_KEY} and PROGRAM_REPORT_KEY in jobs[cross_wave_job.name]
    for assets_def in project_defs().assets:
        if WAVE_REPORT_KEY in assets_def.keys or PROGRAM_REPORT_KEY in assets_def.keys:
            assert assets_def.op.pool == WAREHOUSE_POOL  # they read the warehouse


def test_every_page_and_picture_is_written_as_a_valid_png_of_its_size(ran):
    folder = ran.lake.reports
    pages = sorted(p.parent.name for p in folder.glob("*/report.html"))
    assert pages == sorted([*ran.truth.waves, "program"])
    expected = {f"{w}/{name}.png": size for w in ran.truth.waves for name, size in WAVE_FIGURES.items()}
    expected |= {f"program/{name}.png": size for name, size in PROGRAM_FIGURES.items()}
    found = pictures(folder)
    assert sorted(found) == sorted(expected)
    for name, data in found.items():
        assert png_size(data) == expected[name], name
        assert len(data) > 15_000, name  # a drawn picture, not an empty canvas
    # Nothing else is left beside them (temporary files are replaced, never kept).
    assert sorted({p.suffix for p in folder.rglob("*") if p.is_file()}) == [".html", ".png"]


def test_metadata_shows_where_the_page_is_its_numbers_and_its_pictures(ran):
    last = ran.truth.waves[-1]
    for key, wave, figures in ((WAVE_REPORT_KEY, last, WAVE_FIGURES), (PROGRAM_REPORT_KEY, None, PROGRAM_FIGURES)):
        meta = _metadata(ran, key, wave)
        page = ran.lake.reports / (wave or "program") / "report.html"
        assert meta["path"].value == str(page)
        assert meta["url"].value == page.resolve().as_uri() and meta["url"].value.startswith("file:///")
        assert meta["images"].value == len(figures)
        assert "participants" in meta["key_numbers"].value
        for name in figures:
            shown = meta[name].value
            encoded = re.search(r"\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", shown).group(1)
            assert png_size(base64.b64decode(encoded))[0] == 640  # the small copy for the UI
            assert without_pictures(shown).strip()  # a title and a caption beside it
    assert _metadata(ran, WAVE_REPORT_KEY, last)["wave"].value == last


def test_no_employee_id_name_or_pseudonym_can_be_read_in_pages_or_metadata(ran):
    identities = landed_identities(ran.lake)
    key = key_from_environment(allow_demo_key=True, announce_demo_key=False)
    ids = {v for v in identities if re.fullmatch(r"E\d+", v)}
    assert len(ids) >= 1_000 and len(identities) > 2 * len(ids)  # ids, names and e-mail addresses
    hidden = identities | {key.pseudonym(i) for i in ids}
    texts = {str(p): p.read_text(encoding="utf-8") for p in ran.lake.reports.glob("*/report.html")}
    for wave in ran.truth.waves:
        texts[f"metadata {wave}"] = " ".join(str(v.value) for v in _metadata(ran, WAVE_REPORT_KEY, wave).values())
    texts["metadata program"] = " ".join(str(v.value) for v in _metadata(ran, PROGRAM_REPORT_KEY).values())
    for where, text in texts.items():
        readable = without_pictures(text)
        words = set(re.findall(r"[\w.@-]+", readable))
        assert not words & hidden, (where, sorted(words & hidden)[:5])
        # A name has several words: each whole name is looked for too.
        assert not [n for n in identities if " " in n and n in readable], where


def test_pictures_change_when_their_data_changes_and_only_then(ran):
    first, last = ran.truth.waves[0], ran.truth.waves[-1]
    before = pictures(ran.lake.reports)
    # The last wave's survey loses half of the answers participants gave.
    survey_path = ran.lake.wave_folder(last) / "ona_survey.csv"
    survey = pd.read_csv(survey_path, dtype=str)
    participant = survey["respondent_id"].isin(ran.truth.participants)
    dropped = survey[participant].sample(frac=0.5, random_state=3).index
    survey.drop(index=dropped).to_csv(survey_path, index=False)
    ran.run([last])
    # The first wave's page is drawn again from unchanged marts: the same bytes.
    dg.materialize(list(ran.defs.assets), selection=[WAVE_REPORT_KEY], partition_key=wave_to_partition_key(first),
                   resources=ran.defs.resources, instance=ran.instance)
    after = pictures(ran.lake.reports)
    assert sorted(after) == sorted(before)
    for name in before:
        page = name.split("/")[0]
        if page == first:
            assert after[name] == before[name], name
        elif page == last or name in ("program/baseline_vs_latest.png", "program/waves_trend.png"):
            assert after[name] != before[name], name
