"""landing/scenarios.toml: the documented schema loads; every bad file names the file and entry."""

import pytest

from scl_pipeline.lib.resilience.scenario_file import (
    SCENARIOS_FILE, ScenarioFileError, ScenarioSpec, load_scenarios, parse_scenarios,
)

GOOD = """
[[scenario]]
name = "de_top_12"
country = "Germany"
top_k = 12

[[scenario]]
name = "munich_leads"
employee_ids = ["E000123", 456]
scopes = ["organisation"]
description = "two leads leave"
"""


def test_good_file(tmp_path):
    path = tmp_path / SCENARIOS_FILE
    path.write_text(GOOD)
    specs = load_scenarios(path)
    assert specs == (
        ScenarioSpec("de_top_12", country="DE", top_k=12),
        ScenarioSpec("munich_leads", employee_ids=("E000123", "456"), scopes=("organisation",),
                     description="two leads leave"),
    )
    assert specs[0].scopes == ("organisation", "participants")


def test_absent_file_means_no_user_scenarios(tmp_path):
    assert load_scenarios(tmp_path / SCENARIOS_FILE) == ()
    assert parse_scenarios("") == ()


BAD = {
    "missing name": ('[[scenario]]\ncountry = "DE"\ntop_k = 3\n', "scenario #1: missing `name`"),
    "blank name": ('[[scenario]]\nname = " "\ncountry = "DE"\ntop_k = 3\n', "scenario #1: missing `name`"),
    "both ids and country": (
        '[[scenario]]\nname = "a"\nemployee_ids = ["1"]\ncountry = "DE"\n', "scenario #1 ('a'): give either"),
    "neither": ('[[scenario]]\nname = "a"\n', "scenario #1 ('a'): give either"),
    "unknown country": ('[[scenario]]\nname = "a"\ncountry = "Atlantis"\ntop_k = 3\n',
                        "scenario #1 ('a'): unknown country 'Atlantis'"),
    "k zero": ('[[scenario]]\nname = "a"\ncountry = "DE"\ntop_k = 0\n', "scenario #1 ('a'): `top_k` must be a positive integer"),
    "k text": ('[[scenario]]\nname = "a"\ncountry = "DE"\ntop_k = "3"\n', "scenario #1 ('a'): `top_k` must be a positive integer"),
    "k float": ('[[scenario]]\nname = "a"\ncountry = "DE"\ntop_k = 2.5\n', "`top_k` must be a positive integer"),
    "k bool": ('[[scenario]]\nname = "a"\ncountry = "DE"\ntop_k = true\n', "`top_k` must be a positive integer"),
    "k missing": ('[[scenario]]\nname = "a"\ncountry = "DE"\n', "`top_k` must be a positive integer"),
    "k with ids": ('[[scenario]]\nname = "a"\nemployee_ids = ["1"]\ntop_k = 2\n', "`top_k` goes with `country`"),
    "duplicate names": (
        '[[scenario]]\nname = "a"\nemployee_ids = ["1"]\n[[scenario]]\nname = "b"\nemployee_ids = ["2"]\n'
        '[[scenario]]\nname = "a"\nemployee_ids = ["3"]\n', "scenario #3 ('a'): name already used by scenario #1"),
    "not toml": ('[[scenario]\nname = "a"\n', "not valid TOML"),
    "empty id list": ('[[scenario]]\nname = "a"\nemployee_ids = []\n', "scenario #1 ('a'): `employee_ids` must be a non-empty list"),
    "id not an id": ('[[scenario]]\nname = "a"\nemployee_ids = ["1", 2.5]\n', "holds values that are not ids: [2.5]"),
    "id twice": ('[[scenario]]\nname = "a"\nemployee_ids = ["1", "1"]\n', "names the same id twice: ['1']"),
    "typo key": ('[[scenario]]\nname = "a"\ncountry = "DE"\ntop-k = 3\n', "scenario #1 ('a'): unknown key(s) ['top-k']"),
    "bad scope": ('[[scenario]]\nname = "a"\nemployee_ids = ["1"]\nscopes = ["everyone"]\n', "`scopes` must be"),
    "reserved name": ('[[scenario]]\nname = "x:DE"\nemployee_ids = ["1"]\n', "reserved for built-in scenarios"),
    "top-level table": ('[scenario]\nname = "a"\n', "`scenario` must be an array of tables"),
    "other top-level key": ('name = "a"\n', "unknown top-level key(s) ['name']"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_names_file_and_entry(tmp_path, case):
    text, expected = BAD[case]
    path = tmp_path / SCENARIOS_FILE
    path.write_text(text)
    with pytest.raises(ScenarioFileError) as err:
        load_scenarios(path)
    message = str(err.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message


def test_the_second_entry_is_named_when_it_is_the_bad_one():
    text = '[[scenario]]\nname = "ok"\nemployee_ids = ["1"]\n[[scenario]]\nname = "bad"\ncountry = "DE"\ntop_k = -1\n'
    with pytest.raises(ScenarioFileError, match=r"^landing/scenarios.toml: scenario #2 \('bad'\): `top_k`"):
        parse_scenarios(text, "landing/scenarios.toml")
