"""What the impact marts show on their materialisation: pictures and tables."""

import pandas as pd

from scl_pipeline.lib.impact.kbis import experiment_kbis
from scl_pipeline.lib.reports.impact_previews import kbi_figures, markdown_table
from scl_pipeline.lib.reports.canvas import PNG_MAGIC
from scl_pipeline_tests.lib.impact.experiment_example import ASSIGNMENT, INTERACTIONS, graphs


def test_kbi_figure_per_experiment_unless_no_group_can_be_drawn():
    kbis = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs())  # 4 program, 5 control members
    (figure,) = kbi_figures(kbis)
    assert figure.name == "experiment_X1" and figure.png.startswith(PNG_MAGIC)
    assert "fewer than 5 members" in figure.caption  # the program group is too small to show
    assert figure.preview_markdown().startswith("![experiment_X1](data:image/png;base64,")
    both_small = kbis.assign(members=4)
    assert kbi_figures(both_small) == []


def test_markdown_table_shortens_numbers():
    frame = pd.DataFrame({"name": ["a", "b"], "value": [1_450_000.0, 0.000123], "x": [2.5, float("nan")], "n": [3, 4]})
    lines = markdown_table(frame).splitlines()
    assert "1,450,000" in lines[2] and "2.50" in lines[2] and "0.000123" in lines[3]
    assert lines[3].count("|") == 5 and "nan" not in lines[3].lower()
    assert markdown_table(frame.iloc[:0]) == "no rows"
