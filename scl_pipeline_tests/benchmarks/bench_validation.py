"""Benchmark: validation of a case-study-size wave (13,000 people, 100,000 survey rows).

Run from the worktree root:  python scl_pipeline_tests/benchmarks/bench_validation.py
Prints the one-off GX import/context cost, then per-suite timings (best of 3) for a clean wave,
a wave with errors and warnings, and whether anything was printed by GX while validating.
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scl_pipeline.lib.ingestion.validation import validate_hr_export, validate_survey, validate_wave  # noqa: E402
from scl_pipeline.lib.ingestion.validation.gx_execution import _gx  # noqa: E402
from scl_pipeline_tests.lib.ingestion.validation.large import large_hr, large_survey  # noqa: E402


def best_of(runs: int, fn):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    start = time.perf_counter()
    _gx()
    print(f"GX import + ephemeral context (once per process): {time.perf_counter() - start:6.2f} s")

    hr, survey = large_hr(), large_survey()
    print(f"frames: hr_export {len(hr):,} rows, ona_survey {len(survey):,} rows")

    seconds, report = best_of(3, lambda: validate_hr_export(hr, "2021-Q3"))
    print(f"hr_export suite ({len(report.expectations_run)} expectations):          {seconds:6.2f} s  passed={report.passed}")
    seconds, report = best_of(3, lambda: validate_survey(survey, hr, "2021-Q3"))
    print(f"ona_survey suite, clean ({len(report.expectations_run)} expectations):  {seconds:6.2f} s  passed={report.passed}")

    bad = survey.copy()
    bad.loc[bad.index[::1000], "strength"] = "6"  # 100 errors
    bad.loc[bad.index[7::997], "nominee_id"] = "LEFT"  # ~100 quarantined rows
    dup = bad.iloc[:500].copy()
    dup["source_row"] = dup["source_row"] + len(bad)
    bad = __import__("pandas").concat([bad, dup], ignore_index=True)  # 500 duplicate nominations
    seconds, report = best_of(3, lambda: validate_survey(bad, hr, "2021-Q3"))
    counts = ", ".join(f"{f.expectation}={f.rows_failed}" for f in report.findings)
    print(f"ona_survey suite, {len(bad):,} rows with errors and warnings: {seconds:6.2f} s  ({counts})")
    print(f"  quarantined rows: {len(report.quarantine):,}; clean rows: {len(report.clean):,}")

    # Ids as a spreadsheet leaves them: numeric HR ids with zeros, the survey's without (issue 13).
    numeric_hr = hr.assign(employee_id=hr["employee_id"].str.replace("E", "1", regex=False))
    stripped = survey.assign(**{c: survey[c].str.replace("E", "1", regex=False).str.lstrip("0") for c in ("respondent_id", "nominee_id")})
    padded_hr = numeric_hr.assign(employee_id=numeric_hr["employee_id"].str.zfill(8))
    seconds, report = best_of(3, lambda: validate_survey(stripped, padded_hr, "2021-Q3"))
    repaired = {f.expectation: f.rows_failed for f in report.findings}
    print(f"ona_survey suite, every id repaired (lost zeros):  {seconds:6.2f} s  {repaired}")

    big = large_survey(rows=1_000_000)
    seconds, report = best_of(1, lambda: validate_survey(big, hr, "2021-Q3"))
    print(f"ona_survey suite, clean, {len(big):,} rows:           {seconds:6.2f} s  passed={report.passed}")

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        seconds, wave = best_of(1, lambda: validate_wave(hr, survey, "2021-Q3"))
    print(f"validate_wave (hr + survey):                     {seconds:6.2f} s  passed={wave.passed}")
    noise = out.getvalue() + err.getvalue()
    print(f"GX output while validating: {len(noise)} characters" + (f": {noise[:200]!r}" if noise else " (silent)"))


if __name__ == "__main__":
    main()
