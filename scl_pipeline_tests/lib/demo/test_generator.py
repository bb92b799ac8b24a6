"""Files, formats and determinism of the demo generator."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.demo.__main__ import main
from scl_pipeline.lib.demo.writer import write_table
from scl_pipeline.lib.contract import ASSIGNMENT, HR_EXPORT, INTERACTIONS, ONA_SURVEY, PARTICIPANTS
from scl_pipeline.lib.waves import wave_range

TINY = dict(people=1000, first_wave="2020-Q4", last_wave="2021-Q2")


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_excel(path, dtype=str, keep_default_na=False)


def test_layout_is_the_landing_contract(small_org: Path, truth: dict) -> None:
    expected = {f"waves/{w}/{s.stem}.csv" for w in wave_range("2020-Q4", "2022-Q4") for s in (HR_EXPORT, ONA_SURVEY)}
    expected |= {f"program/{PARTICIPANTS.stem}.csv"}
    expected |= {f"experiments/{truth['experiment_id']}/{s.stem}.csv" for s in (ASSIGNMENT, INTERACTIONS)}
    written = {p.relative_to(small_org).as_posix() for p in small_org.rglob("*") if p.is_file()}
    assert written == expected | {"_demo_truth.json"}
    assert set(truth["files"]) == expected
    assert len(truth["waves"]) == 9 and truth["experiment_id"] == "2022-q3-collab-challenge"


@pytest.mark.parametrize("spec", [HR_EXPORT, ONA_SURVEY, PARTICIPANTS, ASSIGNMENT, INTERACTIONS])
def test_every_contract_column_is_present(small_org: Path, truth: dict, spec) -> None:
    if spec.grain == "wave":
        paths = [small_org / "waves" / w / f"{spec.stem}.csv" for w in truth["waves"]]
    elif spec.grain == "program":
        paths = [small_org / "program" / f"{spec.stem}.csv"]
    else:
        paths = [small_org / "experiments" / truth["experiment_id"] / f"{spec.stem}.csv"]
    for path in paths:
        columns = list(pd.read_csv(path, nrows=0).columns)
        assert set(spec.columns) <= set(columns), path
        extra = set(columns) - set(spec.columns)
        # Only the HR export carries extra (PII) columns, which ingestion must drop.
        assert extra == ({"full_name", "email"} if spec is HR_EXPORT else set()), path


def test_hr_export_carries_fake_pii(small_org: Path) -> None:
    hr = pd.read_csv(small_org / "waves" / "2020-Q4" / "hr_export.csv", dtype=str)
    assert hr["email"].str.endswith("@example.com").all()
    assert hr["full_name"].str.contains(" ").all()
    assert hr["email"].is_unique


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    generate_demo_org(tmp_path / "a", seed=5, **TINY)
    generate_demo_org(tmp_path / "b", seed=5, **TINY)
    generate_demo_org(tmp_path / "c", seed=6, **TINY)
    a, b, c = (_all_bytes(tmp_path / x) for x in "abc")
    assert a == b
    assert a.keys() == c.keys()
    differing = [name for name in a if a[name] != c[name]]
    assert len(differing) >= len(a) - 1  # the truth file and every data file change


def test_parquet_is_deterministic(tmp_path: Path) -> None:
    generate_demo_org(tmp_path / "a", seed=3, file_format="parquet", **TINY)
    generate_demo_org(tmp_path / "b", seed=3, file_format="parquet", **TINY)
    assert _all_bytes(tmp_path / "a") == _all_bytes(tmp_path / "b")


def test_xlsx_is_deterministic(small_org: Path, truth: dict, tmp_path: Path) -> None:
    """openpyxl stamps save times; the writer pins them. Slices of real files, written twice
    (a whole organisation in xlsx takes openpyxl several seconds: see the round trip below)."""
    import pyarrow.csv as pa_csv

    wave = small_org / "waves" / truth["waves"][0]
    tables = [pd.read_csv(wave / "hr_export.csv").head(300), pa_csv.read_csv(wave / "ona_survey.csv").slice(0, 300)]
    for name, table in zip(("hr", "survey"), tables):
        first = write_table(table, tmp_path / "a" / name, "xlsx").read_bytes()
        second = write_table(table, tmp_path / "b" / name, "xlsx").read_bytes()
        assert first == second, name


def test_formats_round_trip_to_the_same_data(tmp_path: Path) -> None:
    """The same seed in csv, parquet and xlsx reads back, through pandas, as the same tables."""
    roots = {}
    for fmt in ("csv", "parquet", "xlsx"):
        roots[fmt] = tmp_path / fmt
        generate_demo_org(roots[fmt], seed=9, file_format=fmt, **TINY)
    stems = [f"waves/2021-Q1/{HR_EXPORT.stem}", f"waves/2021-Q2/{ONA_SURVEY.stem}", f"program/{PARTICIPANTS.stem}"]
    for stem in stems:
        frames = {fmt: _read(root / f"{stem}.{fmt}") for fmt, root in roots.items()}
        reference = frames["csv"]
        assert len(reference) > 0
        for fmt in ("parquet", "xlsx"):
            other = frames[fmt]
            assert list(other.columns) == list(reference.columns), (stem, fmt)
            for column in reference.columns:
                left = reference[column].tolist()
                right = other[column].tolist()
                assert [_normalise(v) for v in right] == [_normalise(v) for v in left], (stem, fmt, column)


def _normalise(value: object) -> str:
    """One text form per value across readers: dates, timestamps, booleans, missing cells."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT or value == "":
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        text = pd.Timestamp(value).isoformat(sep=" ")
        return text[:10] if text.endswith("00:00:00") else text
    text = str(value)
    if text.endswith(" 00:00:00"):
        return text[:10]
    return {"True": "true", "False": "false", "TRUE": "true", "FALSE": "false"}.get(text, text)


def test_parquet_types(tmp_path: Path) -> None:
    generate_demo_org(tmp_path, seed=2, file_format="parquet", **TINY)
    hr = pd.read_parquet(tmp_path / "waves" / "2020-Q4" / "hr_export.parquet")
    survey = pd.read_parquet(tmp_path / "waves" / "2020-Q4" / "ona_survey.parquet")
    assert hr["invited_to_survey"].dtype == bool
    assert str(hr["hire_date"].iloc[0])[:2] in {"19", "20"}
    assert pd.api.types.is_integer_dtype(survey["strength"])
    assert pd.api.types.is_datetime64_any_dtype(survey["answered_at"])


def test_cli_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--landing", str(tmp_path), "--people", "1000", "--seed", "4", "--last-wave", "2021-Q2"])
    assert code == 0
    assert "wrote 9 files for 1000 people" in capsys.readouterr().out
    assert json.loads((tmp_path / "_demo_truth.json").read_text())["seed"] == 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"people": 100}, "at least 1000"),
        ({"file_format": "json"}, "file_format"),
        ({"first_wave": "2021-Q1", "last_wave": "2021-Q2"}, "at least 3"),
        ({"first_wave": "2021Q1"}, "wave name"),
    ],
)
def test_bad_arguments_are_refused_clearly(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_demo_org(tmp_path, **({"people": 1000} | kwargs))
