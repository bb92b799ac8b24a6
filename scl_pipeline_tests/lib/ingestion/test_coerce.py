import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.coerce import CoercionError, coerce_frame
from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY


def _frame(**columns):
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"source_file": ["f.csv"] * n, "source_row": range(1, n + 1), **columns})


def test_survey_types_and_default_relation():
    typed = coerce_frame(
        _frame(respondent_id=["a", "b"], nominee_id=["b", "a"], strength=["4", None], relation=[None, "Energy"]),
        ONA_SURVEY,
    )
    assert typed["strength"].tolist() == [4, pd.NA]
    assert typed["relation"].tolist() == ["trust", "energy"]
    assert typed["answered_at"].isna().all()


def test_countries_normalise_to_alpha2():
    typed = coerce_frame(
        _frame(employee_id=["1", "2", "3"], country=["Switzerland", "deu", "br"], department=["x"] * 3, level=["1"] * 3),
        HR_EXPORT,
    )
    assert typed["country"].tolist() == ["CH", "DE", "BR"]


def test_bad_value_names_file_column_and_row():
    with pytest.raises(CoercionError, match=r"f.csv: column 'strength' expects a whole number; row 2: 'x'"):
        coerce_frame(_frame(respondent_id=["a", "b"], nominee_id=["b", "a"], strength=["4", "x"]), ONA_SURVEY)
    with pytest.raises(CoercionError, match="country"):
        coerce_frame(_frame(employee_id=["1"], country=["Atlantis"], department=["x"], level=["1"]), HR_EXPORT)
