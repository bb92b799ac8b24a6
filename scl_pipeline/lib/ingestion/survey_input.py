"""A wave's survey as the tool exported it -> the contract's long rows, which validation,
quarantine, the gates and the load then treat exactly as a long file's.

- A long file naming people by employee id with numeric strengths (today's contract) is
  streamed as it always was (:class:`~.readers.StreamedFile`): nothing here touches its rows.
  Whether a long file is one is told from its first :data:`PEEK_ROWS` rows.
- Anything else (a wide or multi-select export, tool header rows, people by e-mail or name,
  answer labels) is read whole (one row per respondent: small), its layout recognised or taken
  from ``survey_layout.toml`` (:mod:`.survey_layouts`), its people matched through the HR
  export (:mod:`.people_matching`) and its labels mapped (:mod:`.answer_scales`). What this
  step sets aside (people matching nobody or several people, blank respondents) and what it
  finds (labels off the scale) become findings and quarantine rows of the survey's report
  (:func:`with_layout_checks`), by row and column, never with the name or e-mail.

For a wide or multi-select file, ``source_row`` numbers the nominations in file order (row by
row, column by column: one file row gives several); the quarantine's values carry each one's
``file_row`` (the answer row, after the tool's header rows) and ``column``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.answer_scales import is_number, map_labels
from scl_pipeline.lib.contract import ONA_SURVEY, SOURCE_FILE, SOURCE_ROW
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.headers import HeaderError, is_pii_header, map_headers
from scl_pipeline.lib.ingestion.people_matching import (
    AMBIGUOUS,
    ID,
    MISSING,
    UNMATCHED,
    WHAT,
    People,
    classify,
    hr_people_columns,
    resolve_people,
)
from scl_pipeline.lib.ingestion.readers import CHUNK_ROWS, LandedFile, StreamedFile, open_landing_file, read_as_written
from scl_pipeline.lib.ingestion.survey_config import AUTO, LONG, SurveyLayoutConfig
from scl_pipeline.lib.ingestion.survey_layouts import (
    COLUMN,
    FILE_ROW,
    QUESTION,
    STRENGTH_COLUMN,
    LayoutError,
    Recognised,
    recognise,
    reshape,
)
from scl_pipeline.lib.ingestion.survey_read_checks import identified_finding, off_scale_finding, set_aside_rows
from scl_pipeline.lib.ingestion.validation.findings import Finding, empty_quarantine
from scl_pipeline.lib.ingestion.validation.layout_checks import (
    LAYOUT_EXPECTATIONS,
    NOMINEE_IDENTIFIED,
    RESPONDENT_IDENTIFIED,
)
from scl_pipeline.lib.ingestion.validation.suites import REGISTRY
from scl_pipeline.lib.ingestion.validation.wave import WaveValidation

PEEK_ROWS = 1_000


@dataclass(kw_only=True)
class FrameSource(LandedFile):
    """A survey's contract rows already in memory, handed out like a streamed file's chunks (a
    tool's export is read from its first row: its header rows are recognised)."""

    @property
    def rows_estimate(self) -> int:
        return len(self.frame)

    def chunks(self, rows: int = CHUNK_ROWS, columns: Collection[str] | None = None) -> Iterator[pd.DataFrame]:
        keep = [c for c in self.frame.columns if columns is None or c in columns or c in (SOURCE_FILE, SOURCE_ROW)]
        for start in range(0, len(self.frame), rows):
            yield self.frame.iloc[start : start + rows][keep].reset_index(drop=True)


@dataclass
class SurveySummary:
    """What reading the survey found, in counts (``scl check``, the run's metadata)."""

    file: str
    layout: str
    description: str
    streamed: bool
    rows: int | None = None  # answer rows (respondents of a wide file); None: streamed, see the report
    nominations: int | None = None
    matched: dict[str, int] = field(default_factory=dict)  # distinct people values per how matched
    labels_mapped: int = 0
    scales: tuple[str, ...] = ()
    labels_off_scale: int = 0
    set_aside: int = 0  # nominations quarantined while reading

    def lines(self) -> list[str]:
        """The summary as ``scl check`` prints it (no value of any person)."""
        out = [f"recognised: {self.description}"]
        if self.streamed:
            out.append("read as the contract's long file, streamed; people by employee id")
            return out
        out.append(f"rows read: {self.rows:,}; nominations read: {self.nominations:,}")
        matched = ", ".join(f"{self.matched.get(k, 0):,} by {WHAT[k]}" for k in ("id", "email", "name"))
        out.append(
            f"people (distinct values) matched: {matched}; unmatched: {self.matched.get(UNMATCHED, 0):,}; "
            f"ambiguous: {self.matched.get(AMBIGUOUS, 0):,}"
        )
        if self.labels_mapped or self.labels_off_scale:
            out.append(
                f"answer labels mapped: {self.labels_mapped:,} (scale {', '.join(self.scales) or 'none'}); "
                f"off the scale: {self.labels_off_scale:,}"
            )
        return out

    def metadata(self) -> dict[str, object]:
        return {
            "layout": self.layout, "recognised": self.description, "rows": self.rows, "nominations": self.nominations,
            "people_matched": dict(self.matched), "labels_mapped": self.labels_mapped,
            "labels_off_scale": self.labels_off_scale, "set_aside_while_reading": self.set_aside,
        }


@dataclass
class SurveyRead:
    """A survey opened for validation: its contract rows, what reading found, and the findings
    and quarantine rows of the checks made while reading (none for a streamed long file)."""

    source: StreamedFile | FrameSource
    summary: SurveySummary
    findings: list[Finding] = field(default_factory=list)
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    checks_run: tuple[str, ...] = ()


def open_survey(
    path: Path, aliases: AliasMap, config: SurveyLayoutConfig, hr_file: StreamedFile, hr: pd.DataFrame, hr_label: str
) -> SurveyRead:
    """Open the wave's survey ``path``: streamed when it is the contract's long file of ids,
    else read, recognised, matched against the HR export (``hr_file``, its frame ``hr``) and
    mapped. Raises :class:`LandingFileError` naming the file and what to configure."""
    path = Path(path)
    plain = config.layout in (AUTO, LONG) and not config.questions and config.header_rows in (None, 1)
    streamed: StreamedFile | None = None
    long_error: LandingFileError | None = None
    if plain:
        try:
            streamed = open_landing_file(path, ONA_SURVEY, aliases)
        except LandingFileError as exc:
            if config.layout == LONG:
                raise
            long_error = exc
    ids = frozenset(hr["employee_id"].dropna().astype(str)) if "employee_id" in hr.columns else frozenset()
    if streamed is not None and _of_ids(streamed, config, People(ids, {}, {})):
        layout = "long (the contract's columns)"
        return SurveyRead(source=streamed, summary=SurveySummary(str(path), LONG, layout, streamed=True))
    people = _people(hr_file, hr, config)
    try:
        headers, rows = read_as_written(path, ONA_SURVEY, aliases)
        if rows.empty:
            raise LandingFileError(path, "has a header but no data rows")
        recognised, answers = recognise(headers, rows, config, aliases, lambda v: _names_someone(v, people))
        if answers.empty:
            raise LandingFileError(path, f"has no answer rows after its {recognised.header_rows} header row(s)")
        long, dropped, ignored = _long_rows(path, recognised, answers, aliases)
    except LayoutError as exc:
        if long_error is not None and _names_long_columns(headers, aliases):
            raise long_error from None  # a long file missing a column: the reader's message says which
        raise LandingFileError(path, str(exc)) from None
    return _matched(path, recognised, long, people, config, hr_label, dropped, ignored, len(answers))


def _names_long_columns(headers: list[str], aliases: AliasMap) -> bool:
    """Whether a header names a long survey's own columns (nominee_id, relation, strength)."""
    return any(aliases.resolve(ONA_SURVEY, h) in ("nominee_id", "relation", "strength") for h in headers)


def _of_ids(streamed: StreamedFile, config: SurveyLayoutConfig, people: People) -> bool:
    """Whether a long file's first rows name people by id and give strengths as numbers."""
    with closing(streamed.chunks(PEEK_ROWS)) as chunks:
        first = next(chunks, None)
    if first is None:
        return True  # no rows: the reader's own error says so
    if config.people not in (AUTO, ID):
        return False
    for column in ("respondent_id", "nominee_id"):
        values = first[column].dropna().astype(str).unique() if column in first.columns else []
        if config.people == AUTO and any(classify(v, people) != ID for v in values):
            return False
    strengths = first["strength"].dropna().astype(str).str.strip() if "strength" in first.columns else pd.Series([], dtype=object)
    labels = [v for v in strengths.unique() if v and not is_number(v)]
    # Text no scale knows ("strong") is validation's to reject (strength_valid), as in any long file.
    return not any(scale.value(v) is not None for v in labels for scale in config.scales.values())


def _people(hr_file: StreamedFile, hr: pd.DataFrame, config: SurveyLayoutConfig) -> People:
    """The wave's people with their e-mails and names, read from the HR export for matching only."""
    roles = hr_people_columns(hr_file.headers, config.hr_email, config.hr_name)
    for configured, what, role in ((config.hr_email, "hr_email", "email"), (config.hr_name, "hr_name", "full_name")):
        if configured and role not in roles.values():
            raise LandingFileError(
                hr_file.path, f"has no column {configured!r} ({what} in survey_layout.toml); its columns: {hr_file.headers}"
            )
    personal = hr_file.read_other_columns(roles) if roles else None
    if personal is not None and len(personal) != len(hr):
        raise LandingFileError(hr_file.path, "changed while it was read; the next run reads the new file")
    return People.from_hr(hr["employee_id"] if "employee_id" in hr.columns else pd.Series([], dtype=object), personal)


def _names_someone(value: str, people: People) -> bool:
    """Whether a cell names someone of the wave (as an id, an e-mail or a name, ambiguous or not)."""
    from scl_pipeline.lib.ingestion.id_matching import canonical_id

    kind = classify(value, people)
    if kind == ID:
        return (canonical_id(value) or "") in people.ids
    return bool(people.lookup(kind, value))


def _long_rows(path: Path, recognised: Recognised, answers: pd.DataFrame, aliases: AliasMap) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The nominations of the answer rows, with lineage; and the personal and other columns left out."""
    if recognised.layout == LONG:
        try:
            mapping = map_headers(recognised.headers, ONA_SURVEY, aliases)
        except HeaderError as exc:
            raise LandingFileError(path, str(exc)) from None
        frame = answers[list(mapping.columns)].rename(columns=mapping.columns)
        frame[FILE_ROW] = range(1, len(frame) + 1)
        frame[COLUMN] = "nominee_id"
        frame[STRENGTH_COLUMN] = "strength"
        frame[QUESTION] = 0
        return frame.reset_index(drop=True), mapping.dropped_pii, mapping.ignored
    long = reshape(recognised, answers)
    used = {recognised.respondent[1]} if recognised.respondent else set()
    used |= {recognised.answered_at[1]} if recognised.answered_at else set()
    for group in recognised.groups:
        used |= {i for _, _, i in group.nominees}
        used |= {i for _, _, i in group.strength} if isinstance(group.strength, tuple) else set()
    unused = [h for i, h in enumerate(recognised.headers) if i not in used]
    # Named as a long file's would be: personal-data columns (a respondent's Name) are "dropped".
    return long, [h for h in unused if is_pii_header(h)], [h for h in unused if not is_pii_header(h)]


def _matched(
    path: Path, recognised: Recognised, long: pd.DataFrame, people: People, config: SurveyLayoutConfig, hr_label: str,
    dropped: list[str], ignored: list[str], answer_rows: int,
) -> SurveyRead:
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
        findings.append(off_scale_finding(long, strength, off_scale, label, config, lambda v: _names_someone(v, people)))
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


def with_layout_checks(validation: WaveValidation, read: SurveyRead) -> WaveValidation:
    """``validation`` with the survey report completed by what reading the survey found."""
    if not read.checks_run:
        return validation
    report = validation.survey
    order = {name: i for i, name in enumerate(REGISTRY)}
    findings = sorted(report.findings + read.findings, key=lambda f: order[f.expectation])
    quarantine = pd.concat([q for q in (read.quarantine, report.quarantine) if len(q)] or [empty_quarantine()], ignore_index=True)
    quarantine = quarantine.sort_values(SOURCE_ROW, kind="stable").reset_index(drop=True)
    merged = replace(
        report,
        findings=findings,
        quarantine=quarantine,
        rows=report.rows + len(read.quarantine),
        expectations_run=tuple(sorted(set(report.expectations_run) | set(read.checks_run), key=order.__getitem__)),
    )
    return WaveValidation(label=validation.label, reports={**validation.reports, ONA_SURVEY.name: merged})

