"""A wave's report and the program's, end to end from the marts."""

import base64
import re
from dataclasses import replace

import markupsafe
import pytest

from scl_pipeline.lib.reports.build import PROGRAM_FOLDER, wave_report
from scl_pipeline.lib.reports.inputs import ReportInputError
from scl_pipeline.lib.reports.scenarios import main_scenario, removed_people
from scl_pipeline_tests.lib.reports.hostile import (
    FORMULA_COUNTRY,
    FORMULA_DEPARTMENT,
    SCRIPT_COUNTRY,
    SCRIPT_DEPARTMENT,
)
from scl_pipeline_tests.lib.reports.pages import write_reports
from scl_pipeline_tests.lib.reports.story import BASELINE, WAVES

WAVE_FIGURES = ["participants_network", "resilience_scenario", "country_mixing", "robustness"]
PROGRAM_FIGURES = ["baseline_vs_latest", "waves_trend", "event_study", "balance", "experiment_1", "roi"]


@pytest.fixture(scope="module")
def written(hostile_story, tmp_path_factory):
    return write_reports(hostile_story, tmp_path_factory.mktemp("reports"))


def test_one_page_per_wave_and_one_for_the_program(written):
    assert sorted(written) == sorted([*WAVES, PROGRAM_FOLDER])
    for key, page in written.items():
        assert page.name == "report.html" and page.parent.name == key
        html = page.read_text(encoding="utf-8")
        sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', html)
        figures = re.findall(r'<figure id="([^"]+)"', html)
        assert figures == (PROGRAM_FIGURES if key == PROGRAM_FOLDER else WAVE_FIGURES)
        # The PNG written next to the page is the picture embedded in it.
        for name, data in zip(figures, sources):
            assert (page.parent / f"{name}.png").read_bytes() == base64.b64decode(data)


def test_no_employee_id_reaches_a_page(written, hostile_story):
    ids = set(hostile_story.people["employee_id"]) | set(hostile_story.bridge_criticality["employee_id"])
    for page in written.values():
        html = page.read_text(encoding="utf-8")
        assert not any(i in html for i in ids)
        assert not re.search(r"p_[0-9a-f]{16}", html)


def test_hostile_names_are_shown_escaped(written):
    wave = written[BASELINE].read_text(encoding="utf-8")
    for text in (SCRIPT_COUNTRY, SCRIPT_DEPARTMENT, FORMULA_COUNTRY, FORMULA_DEPARTMENT):
        assert str(markupsafe.escape(text)) in wave
    assert "<script" not in wave and "<img src=x" not in wave


def test_tables_name_only_groups_of_five_or_more(hostile_story):
    report = wave_report(hostile_story, BASELINE)
    people = hostile_story.people.query("wave == @BASELINE and participant")
    for table, column in zip(report.tables, ("country", "department")):
        sizes = people[column].value_counts()
        named = [row for row in table.rows if not row[0].startswith("other")]
        assert named and all(sizes[name] >= 5 and int(n.replace(",", "")) == sizes[name] for name, n in named)
        small = sizes[sizes < 5]
        assert not set(small.index) & {row[0] for row in table.rows}
        other = [int(n) for name, n in table.rows if name.startswith("other")]
        assert sum(other) == sizes.sum() - sum(sizes[name] for name, _ in named)
    # The story has a 4-person country (Fiji) and a department of under 5 (Legal).
    assert (people["country"] == "Fiji").sum() == 4 and 0 < (people["department"] == "Legal").sum() < 5


def test_the_drawn_scenario_is_the_hubs_single_bridges(story):
    row = main_scenario(story.resilience_scenarios, BASELINE)
    assert (row["kind"], row["country"], row["removed_people"]) == ("country_single_bridges", "India", 8)
    members = story.people.query("wave == @BASELINE and participant")["employee_id"]
    india = story.bridge_criticality.query("wave == @BASELINE and country == 'India'")["employee_id"]
    assert removed_people(row, story.bridge_criticality, members) == sorted(india)


def test_marts_that_disagree_are_an_error(story):
    row = main_scenario(story.resilience_scenarios, BASELINE)
    bridges = story.bridge_criticality
    one_less = bridges.drop(bridges.index[(bridges["wave"] == BASELINE) & (bridges["country"] == "India")][0])
    members = story.people.query("wave == @BASELINE and participant")["employee_id"]
    with pytest.raises(ReportInputError, match="removes 8 people, bridge_criticality lists 7 of them"):
        removed_people(row, one_less, members)


def test_a_missing_column_is_named(story):
    broken = replace(story, country_wave_bonds=story.country_wave_bonds.drop(columns="people"))
    with pytest.raises(ReportInputError, match=r"country_wave_bonds: missing column\(s\) \['people'\]"):
        wave_report(broken, BASELINE)


def test_a_wave_that_cannot_name_a_folder_is_refused(story, tmp_path):
    summary = story.wave_summary.copy()
    summary.loc[0, "wave"] = "../elsewhere"
    with pytest.raises(ReportInputError, match="cannot name a report folder"):
        write_reports(replace(story, wave_summary=summary), tmp_path)
    assert not any(tmp_path.iterdir())
