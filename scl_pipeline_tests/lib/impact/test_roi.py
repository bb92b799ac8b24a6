"""ROI: the worked example of docs/roi.md, the bond rules, and the assumptions file."""

import networkx as nx
import pandas as pd
import pytest

from scl_pipeline.lib.impact.roi import ROI_COLUMNS, roi_table
from scl_pipeline.lib.impact.roi_config import RoiConfigError, load_roi_assumptions
from scl_pipeline_tests.lib.impact.graphs import snapshot_of
from scl_pipeline_tests.lib.impact.roi_text import assumptions_from_text

PEOPLE = ["P", "Q", "a1", "a2", "a3", "b1", "b2", "b3", "x1", "y1", "z", "k1", "k2"]
COUNTRY = {p: "US" for p in PEOPLE}
BASE_EDGES = [("P", "a1"), ("P", "a2"), ("P", "a3"), ("Q", "b1"), ("Q", "b2"), ("Q", "b3"), ("a1", "x1"), ("b1", "y1")]
# New: P-Q (two key participants), a2-b2 (not key people), Q-k1 (a key non-participant), k1-k2 (key non-participants).
NOW_EDGES = BASE_EDGES + [("P", "Q"), ("a2", "b2"), ("Q", "k1"), ("k1", "k2")]
KEY = {"P", "Q", "k1", "k2"}
ROSTER = pd.DataFrame({"employee_id": ["P", "Q", "R"], "cohort": ["C1", "C1", "C2"],
                       "start_date": pd.to_datetime(["2021-01-15", "2021-01-15", "2022-02-01"])})


def metrics(wave: str, people=PEOPLE) -> pd.DataFrame:
    return pd.DataFrame({"employee_id": people, "wave": wave, "central_connector": [p in KEY for p in people],
                         "boundary_spanner": False})


def worked_example(text: str | None = None, edges=None):
    """Without ``edges``: the 11 people and edges of docs/roi.md (no k1, k2)."""
    people = PEOPLE if edges else [p for p in PEOPLE if not p.startswith("k")]
    country = {p: COUNTRY[p] for p in people}
    base = snapshot_of(country, BASE_EDGES, "2020-Q4")
    now = snapshot_of(country, edges or [e for e in NOW_EDGES if "k1" not in e], "2021-Q4")
    assumptions = load_roi_assumptions() if text is None else assumptions_from_text(text)
    return roi_table(now, base, metrics("2021-Q4", people), metrics("2020-Q4", people), ROSTER, assumptions)


def test_docs_worked_example():
    """docs/roi.md, 'Worked example': the shipped defaults on the 11-person organisation."""
    table = worked_example()
    assert table["wave"].tolist() == ["2021-Q4"] * 3
    assert list(table.columns) == list(ROI_COLUMNS)
    assert table["scenario"].tolist() == ["low", "mid", "high"]
    assert (table["assumptions_version"] == "scl-default-1").all() and (table["currency"] == "USD").all()
    # One counted bond (P-Q; a2-b2 joins people who are not key); P, Q at 0 steps, a1..b3 at 1,
    # x1, y1 at 2; z out of reach: 10 people, 2 + 6 x 0.5 + 2 x 0.25 = 5.5 weighted.
    assert (table["bonds"] == 1).all() and (table["people_reached"] == 10).all()
    assert table["people_reached_weighted"].tolist() == [5.5, 5.5, 5.5]
    # value = 5.5 x 90 h x 45 x gain x 1 year
    assert table["value"].tolist() == pytest.approx([3341.25, 4455.0, 5568.75])
    # R's cohort starts after 2021-Q4: two participants bore the cost. 2 x 2500 + 2 x 40 h x 45.
    assert (table["participants"] == 2).all()
    assert table["program_cost"].tolist() == [5000.0] * 3
    assert table["participant_time_cost"].tolist() == [3600.0] * 3
    assert table["cost"].tolist() == [8600.0] * 3
    assert table["roi_multiple"].tolist() == pytest.approx([3341.25 / 8600, 4455.0 / 8600, 5568.75 / 8600])
    assert table["roi_multiple"].round(2).tolist() == [0.39, 0.52, 0.65]


def test_reach_weights_against_networkx():
    table = worked_example(edges=NOW_EDGES)
    graph = nx.Graph(NOW_EDGES)
    graph.add_nodes_from(PEOPLE)
    for row in table.itertuples():
        ends = {"P", "Q"}  # the defaults count participant-participant bonds: P-Q only
        dist = nx.multi_source_dijkstra_path_length(graph, ends, cutoff=row.reach_steps)
        assert row.people_reached == len(dist)
        assert row.people_reached_weighted == pytest.approx(sum(row.reach_decay ** d for d in dist.values()))


TEXT = """
version = "t1"
currency = "EUR"
[common]
hours_finding_expertise_per_year = 100
loaded_hourly_cost = 50
years = 2
reach_steps = 1
reach_decay = 0.5
bonds_between = "participants"
delivery_cost_per_participant = 1000
program_hours_per_participant = 0
[scenarios.participants]
efficiency_gain = 0.2
[scenarios.one_end]
efficiency_gain = 0.2
bonds_between = "participant_and_anyone"
[scenarios.anyone]
efficiency_gain = 0.2
bonds_between = "anyone"
program_cost = 10000
"""


def test_which_bonds_count():
    table = worked_example(TEXT, edges=NOW_EDGES).set_index("scenario")
    # P-Q only; + Q-k1; + k1-k2. a2-b2 never (not key people).
    assert table["bonds"].to_dict() == {"participants": 1, "one_end": 2, "anyone": 3}
    # 1 step from the ends: {P, Q} -> a1..a3, b1..b3, k1 | {P, Q, k1} -> the six and k2 |
    # {P, Q, k1, k2} -> the six.
    assert table.loc["participants", "people_reached_weighted"] == pytest.approx(2 + 7 * 0.5)
    assert table.loc["one_end", "people_reached_weighted"] == pytest.approx(3 + 7 * 0.5)
    assert table.loc["anyone", "people_reached_weighted"] == pytest.approx(4 + 6 * 0.5)
    # value = weighted x 100 x 50 x 0.2 x 2 years; cost 2 x 1000 (no time) or the configured 10,000.
    assert table.loc["participants", "value"] == pytest.approx(5.5 * 100 * 50 * 0.2 * 2)
    assert table.loc["participants", "cost"] == 2000 and table.loc["anyone", "cost"] == 10000
    assert table.loc["participants", "roi_multiple"] == pytest.approx(5.5)
    assert table.loc["anyone", "roi_multiple"] == pytest.approx(7 * 100 * 50 * 0.2 * 2 / 10000)
    assert (table["currency"] == "EUR").all()


def test_empty_without_roster_baseline_or_a_later_wave():
    base = snapshot_of(COUNTRY, BASE_EDGES, "2020-Q4")
    now = snapshot_of(COUNTRY, NOW_EDGES, "2021-Q4")
    a = load_roi_assumptions()
    for table in (
        roi_table(now, base, metrics("2021-Q4"), metrics("2020-Q4"), None, a),
        roi_table(now, None, metrics("2021-Q4"), metrics("2020-Q4"), ROSTER, a),
        roi_table(base, base, metrics("2020-Q4"), metrics("2020-Q4"), ROSTER, a),
    ):
        assert table.empty and list(table.columns) == list(ROI_COLUMNS)


def write(tmp_path, text):
    (tmp_path / "roi_assumptions.toml").write_text(text)
    return tmp_path


def test_user_file_overrides_defaults(tmp_path):
    root = write(tmp_path, 'version = "finance-2024"\n[common]\nloaded_hourly_cost = 60.0\n'
                           '[scenarios.high]\nreach_steps = 3\n[scenarios.stress]\nefficiency_gain = 0.05\n')
    got = load_roi_assumptions(root)
    assert got.version == "finance-2024" and got.currency == "USD"
    assert list(got.scenarios) == ["low", "mid", "high", "stress"]
    assert {s.loaded_hourly_cost for s in got.scenarios.values()} == {60.0}
    assert got.scenarios["high"].reach_steps == 3 and got.scenarios["mid"].reach_steps == 2
    assert got.scenarios["stress"].efficiency_gain == 0.05 and got.scenarios["stress"].years == 1.0
    assert got.sources[-1] == str(root / "roi_assumptions.toml")
    assert load_roi_assumptions(tmp_path / "no-such-folder").version == "scl-default-1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[common]\nyears = 2\n', "key 'version' is required"),
        ('version = "v"\n[common]\nefficency_gain = 0.2\n', r"\[common\] unknown key 'efficency_gain'"),
        ('version = "v"\n[scenarios.low]\nefficiency_gain = 1.5\n', r"\[scenarios.low\] efficiency_gain: 1.5 is out of range"),
        ('version = "v"\n[common]\nreach_steps = 2.5\n', r"\[common\] reach_steps: expected a whole number"),
        ('version = "v"\n[common]\nloaded_hourly_cost = "45"\n', r"loaded_hourly_cost: expected a number, got '45'"),
        ('version = "v"\n[common]\nbonds_between = "all"\n', r"bonds_between: expected one of"),
        ('version = "v"\nscenario = 1\n', r"unknown key\(s\) \['scenario'\]"),
        ('version = "v"\n[common\n', "not valid TOML"),
        ('version = ""\n', "'version' must be a non-empty string"),
    ],
)
def test_bad_user_file_names_file_and_key(tmp_path, text, message):
    root = write(tmp_path, text)
    with pytest.raises(RoiConfigError, match=message) as err:
        load_roi_assumptions(root)
    assert str(root / "roi_assumptions.toml") in str(err.value)


def test_a_scenario_must_have_every_input():
    with pytest.raises(RoiConfigError, match=r"scenario 'low' has no value for \['hours_finding"):
        assumptions_from_text('version = "v"\ncurrency = "USD"\n[scenarios.low]\nefficiency_gain = 0.1\n', "x.toml")
