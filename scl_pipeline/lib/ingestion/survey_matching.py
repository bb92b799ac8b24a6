"""A tool's export, reshaped to one row per nomination, matched to the wave's people and its
answer labels mapped: :func:`matched_read`. What matches nobody or several people is set aside
(findings and quarantine rows by row and column, never with the name or e-mail); labels off the
scale are findings.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.contract import ONA_SURVEY, SOURCE_FILE, SOURCE_ROW
from scl_pipeline.lib.ingestion.answer_scales import map_labels
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.people_matching import AMBIGUOUS, ID, MISSING, UNMATCHED, People, classify, resolve_people
from scl_pipeline.lib.ingestion.survey_config import LONG, SurveyLayoutConfig
from scl_pipeline.lib.ingestion.survey_layouts import COLUMN, FILE_ROW, QUESTION, STRENGTH_COLUMN, Recognised
from scl_pipeline.lib.ingestion.survey_read import FrameSource, SurveyRead, SurveySummary
from scl_pipeline.lib.ingestion.survey_read_checks import identified_finding, off_scale_finding, set_aside_rows
from scl_pipeline.lib.ingestion.validation.findings import Finding
from scl_pipeline.lib.ingestion.validation.layout_checks import LAYOUT_EXPECTATIONS, NOMINEE_IDENTIFIED, RESPONDENT_IDENTIFIED


def names_someone(value: str, people: People) -> bool:
    """Whether a cell names someone of the wave (as an id, an e-mail or a name, ambiguous or not)."""
    from scl_pipeline.lib.ingestion.id_matching import canonical_id

    kind = classify(value, people)
    if kind == ID:
        return (canonical_id(value) or "") in people.ids
    return bool(people.lookup(kind, value))


def matched_read(
    path: Path, recognised: Recognised, long: pd.DataFrame, people: People, config: SurveyLayoutConfig, hr_label: str,
    dropped: list[str], ignored: list[str], answer_rows: int,
) -> SurveyRead:
    """The read of a tool's export from its nominations ``long`` (:func:`.survey_layouts.reshape`):
    people matched, labels mapped, the rest set aside; raises :class:`LandingFileError` when no
    nomination names people of the wave."""
    for column in ("relation", "strength", "answered_at"):
        if column not in long.columns:
            long[column] = None
    long = long.reset_index(drop=True)
    wide = recognised.layout != LONG
    long[SOURCE_ROW] = range(1, len(long) + 1) if wide else long[FILE_ROW].to_numpy()
    respondents = resolve_people(long["respondent_id"], people, config.people)
    nominees = resolve_people(long["nominee_id"], people, config.people)
    # A long file's blank respondent is validation's (an ERROR, as always); a wide file's is a
    # response nobody can be told from: set aside.
    respondent_bad = respondents.how.isin([UNMATCHED, AMBIGUOUS] + ([MISSING] if wide else []))
    nominee_bad = nominees.how.isin([UNMATCHED, AMBIGUOUS])
    strength, mapped, scales, off_scale = _strengths(long, recognised, config)

    findings: list[Finding] = []
    label = str(path)
    respondent_column = recognised.respondent[0] if recognised.respondent else "respondent_id"
    findings += identified_finding(RESPONDENT_IDENTIFIED, long, respondents, respondent_bad, label, hr_label, respondent_column)
    findings += identified_finding(NOMINEE_IDENTIFIED, long, nominees, nominee_bad, label, hr_label, None)
    if off_scale:
        findings.append(off_scale_finding(long, strength, off_scale, label, config, lambda v: names_someone(v, people)))
    bad = (respondent_bad | nominee_bad).to_numpy()
    quarantine = set_aside_rows(long[bad], respondents, nominees, respondent_bad, nominee_bad, label, hr_label, respondent_column)

    kept = long[~bad].copy()
    kept["respondent_id"] = respondents.ids[~bad].where(respondents.how[~bad] != MISSING, kept["respondent_id"])
    kept["nominee_id"] = nominees.ids[~bad]
    kept["strength"] = strength[~bad]
    kept.insert(0, SOURCE_FILE, label)
    columns = [SOURCE_FILE, SOURCE_ROW, *[c for c in ONA_SURVEY.columns if c in kept.columns]]
    kept = kept[columns + ([FILE_ROW, COLUMN] if wide else [])].reset_index(drop=True)
    if kept.empty:
        raise LandingFileError(
            path,
            f"none of its {len(long):,} nominations names people of the {hr_label} "
            f"({int(respondent_bad.sum()):,} with the respondent, {int(nominee_bad.sum()):,} with the nominee unmatched "
            "or ambiguous): do its people match the HR export's employee_id, email or full_name? "
            "(people, hr_email, hr_name in survey_layout.toml)",
        )
    # Distinct values per way matched, respondents and nominees together: people, not cells.
    cells = pd.DataFrame(
        {
            "value": pd.concat([long["respondent_id"], long["nominee_id"]], ignore_index=True),
            "how": pd.concat([respondents.how, nominees.how], ignore_index=True),
        }
    )
    cells = cells[cells["how"] != MISSING]
    matched = {str(k): int(v) for k, v in cells.drop_duplicates().groupby("how")["value"].nunique().items()}
    summary = SurveySummary(
        file=label, layout=recognised.layout, description=recognised.describe(), streamed=False,
        rows=answer_rows, nominations=len(long),
        matched=matched, labels_mapped=mapped, scales=scales, labels_off_scale=sum(off_scale.values()),
        set_aside=int(bad.sum()),
    )
    return SurveyRead(
        source=FrameSource(path=path, spec=ONA_SURVEY, frame=kept, dropped_pii=dropped, ignored_columns=ignored),
        summary=summary, findings=findings, quarantine=quarantine,
        checks_run=tuple(e.name for e in LAYOUT_EXPECTATIONS),
    )


def _strengths(long: pd.DataFrame, recognised: Recognised, config: SurveyLayoutConfig) -> tuple[pd.Series, int, tuple[str, ...], Counter]:
    """Strengths with labels mapped per question (its configured scale, else the best fitting),
    how many labels were mapped, the scales used, and the labels off the scale by (column, label)."""
    out = long["strength"].astype(object).copy()
    mapped, scales, off = 0, [], Counter()
    for number, rows in long.groupby(QUESTION).groups.items():
        group = recognised.groups[int(number)] if recognised.groups else None
        scale_name = group.scale if group is not None else None
        scale = config.scales.get(scale_name) if scale_name else None
        result = map_labels(long.loc[rows, "strength"], scale, config.scales)
        out.loc[rows] = result.values
        mapped += result.mapped
        if result.scale and result.scale not in scales:
            scales.append(result.scale)
        if result.off_scale:
            # Per strength column: the finding names them.
            labels = long.loc[rows, "strength"]
            missing = result.values.isna() & labels.notna()
            for (column, value), n in Counter(zip(long.loc[rows][missing][STRENGTH_COLUMN], labels[missing])).items():
                off[(column, value, result.scale)] += n
    return out, mapped, tuple(scales), off
