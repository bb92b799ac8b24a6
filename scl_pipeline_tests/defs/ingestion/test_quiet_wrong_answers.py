"""Issue 22 §1: inputs that loaded quietly wrong (or were refused with a misleading message), run
through the bad-input catalogue's checks (test_bad_inputs.py): the exact outcome, the warehouse
never damaged. Kept apart from that catalogue so its table stays one list per issue."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.defs.ingestion import test_bad_inputs as catalogue
from scl_pipeline_tests.defs.ingestion.test_bad_inputs import (  # noqa: F401 (fixture)
    WAVE,
    Loaded,
    Rejected,
    _edit,
    _survey_ids,
    good_wave,
    loaded,
)
from scl_pipeline_tests.helpers.dagster import query
from scl_pipeline_tests.helpers.landing import write_wave


def _european_survey(lake: DataLake) -> None:
    """European Excel: ';' between cells, ',' as the decimal mark of the strengths."""
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    survey = survey.assign(strength=survey["strength"].map(lambda s: f"{s},0"))
    survey.to_csv(lake.wave_folder(WAVE) / "ona_survey.csv", sep=";", index=False)


CASES: dict[str, tuple[Callable[[DataLake], None], Rejected | Loaded]] = {
    "zero-width (non-)joiners and word joiners pasted into ids": (
        _edit(survey_edit=_survey_ids(lambda i: f"{i[0]}\u200d{i[1:]}\u200c\u2060", slice(0, 9))), Loaded({})
    ),
    "decimal comma in a semicolon-delimited survey": (_european_survey, Loaded({})),
}


@pytest.mark.parametrize("name", list(CASES))
def test_quiet_wrong_answer_outcome(lake, loaded, name, monkeypatch):  # noqa: F811 (fixture)
    monkeypatch.setitem(catalogue.CASES, name, CASES[name])
    catalogue.test_bad_input_outcome(lake, loaded, name)
    if name.startswith("decimal comma"):
        strengths = query(lake, "select strength from raw.ona_survey where wave = $w order by source_row", {"w": WAVE})
        assert strengths["strength"].tolist() == good_wave()[1]["strength"].tolist()
