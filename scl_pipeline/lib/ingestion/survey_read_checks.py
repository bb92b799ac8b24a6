"""What reading a survey tool's export finds, as findings and quarantine rows of the survey's
report (lib/ingestion/survey_input.py): people matching nobody or several people (set aside by
row and column, never with the name or e-mail), answer labels off the scale (counted by column
and label; a "label" naming someone of the wave is counted, not quoted).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import pandas as pd

from scl_pipeline.lib.contract import SOURCE_ROW
from scl_pipeline.lib.ingestion.disclosure import shown_value
from scl_pipeline.lib.ingestion.people_matching import AMBIGUOUS, MISSING, WHAT, Resolved
from scl_pipeline.lib.ingestion.survey_config import SurveyLayoutConfig
from scl_pipeline.lib.ingestion.survey_layouts import COLUMN, FILE_ROW, STRENGTH_COLUMN
from scl_pipeline.lib.ingestion.validation.findings import SAMPLE_SIZE, Finding, Severity, empty_quarantine
from scl_pipeline.lib.ingestion.validation.layout_checks import (
    NOMINEE_IDENTIFIED,
    RESPONDENT_IDENTIFIED,
    STRENGTH_LABEL_ON_SCALE,
)
from scl_pipeline.lib.ingestion.validation.suites import REGISTRY


def identified_finding(
    name: str, long: pd.DataFrame, resolved: Resolved, bad: pd.Series, label: str, hr_label: str, column: str | None
) -> list[Finding]:
    """The finding of people set aside (``column``: the respondent's; None: each nominee's own)."""
    if not bad.any():
        return []
    problems = Counter(resolved.how[bad])
    sample = tuple(
        {SOURCE_ROW: int(row[SOURCE_ROW]), FILE_ROW: int(row[FILE_ROW]), COLUMN: column or row[COLUMN]}
        for _, row in long[bad.to_numpy()].head(SAMPLE_SIZE).iterrows()
    )
    note = ", ".join(f"{n:,} {how}" for how, n in sorted(problems.items()))
    definition = REGISTRY[name]
    return [
        Finding(
            expectation=name, file=label, column=definition.column, severity=definition.severity,
            rows_failed=int(bad.sum()), sample=sample, description=definition.description,
            note=f"{note} (against the {hr_label}; values not shown)",
        )
    ]


def off_scale_finding(
    long: pd.DataFrame, strength: pd.Series, off: Counter, label: str, config: SurveyLayoutConfig,
    personal: Callable[[str], bool],
) -> Finding:
    """The labels off the scale by column and count. A "label" that names someone of the wave (a
    strength pattern pointing at a nominee column) is counted, never quoted."""
    by_label = Counter()
    columns = []
    for (column, value, _), n in off.items():
        by_label[value] += n
        if column not in columns:
            columns.append(column)
    scales = sorted({s or "none fits" for (_, _, s) in off})

    def shown(value: str) -> str:
        return "a person's name or e-mail (not shown)" if personal(value) else shown_value("strength", value)

    listed = ", ".join(f"{shown(v)} on {n:,} row(s)" for v, n in by_label.most_common(10))
    missing = strength.isna() & long["strength"].notna()
    sample = tuple(
        {SOURCE_ROW: int(r[SOURCE_ROW]), FILE_ROW: int(r[FILE_ROW]), COLUMN: r[STRENGTH_COLUMN]}
        | ({} if personal(r["strength"]) else {"strength": r["strength"]})
        for _, r in long[missing.to_numpy()].head(SAMPLE_SIZE).iterrows()
    )
    where = config.source or "survey_layout.toml"
    definition = REGISTRY[STRENGTH_LABEL_ON_SCALE]
    return Finding(
        expectation=STRENGTH_LABEL_ON_SCALE, file=label, column="strength", severity=Severity.ERROR,
        rows_failed=sum(off.values()), sample=sample, description=definition.description,
        note=(
            f"column(s) {', '.join(repr(c) for c in columns[:10])}: {len(by_label)} label(s) not on the scale "
            f"{', '.join(scales)}: {listed}; add them to a scale under [scales.<name>] in {where} and name it "
            "(scale = \"<name>\" in the question)"
        ),
    )


def set_aside_rows(
    rows: pd.DataFrame, respondents: Resolved, nominees: Resolved, respondent_bad: pd.Series, nominee_bad: pd.Series, label: str, hr_label: str,
    respondent_column: str,
) -> pd.DataFrame:
    """Quarantine rows of the nominations set aside: row, column and reason, never the value."""
    records = []
    for index, row in rows.iterrows():
        reasons, names = [], []
        for role, resolved, bad, name in (
            ("respondent", respondents, respondent_bad, RESPONDENT_IDENTIFIED),
            ("nominee", nominees, nominee_bad, NOMINEE_IDENTIFIED),
        ):
            if not bad[index]:
                continue
            how, kind = resolved.how[index], resolved.kind[index]
            column = row[COLUMN] if role == "nominee" else respondent_column
            where = f"column {column!r}, file row {int(row[FILE_ROW])}"
            if how == MISSING:
                reasons.append(f"the {role} is blank ({where})")
            elif how == AMBIGUOUS:
                reasons.append(
                    f"the {role}'s {WHAT[kind]} ({where}) is ambiguous: it matches {int(resolved.candidates[index])} "
                    f"people in the {hr_label}"
                )
            else:
                reasons.append(f"the {role}'s {WHAT[kind]} ({where}) matches nobody in the {hr_label}")
            names.append(name)
        values = {FILE_ROW: int(row[FILE_ROW]), COLUMN: row[COLUMN], "relation": row["relation"]}
        records.append(
            {
                "file": label, SOURCE_ROW: int(row[SOURCE_ROW]), "expectation": "; ".join(names),
                "reason": "; ".join(reasons), "values": json.dumps(values, ensure_ascii=False),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(empty_quarantine().columns))
    frame[SOURCE_ROW] = frame[SOURCE_ROW].astype("int64")
    return frame
