"""The survey checks made while a survey tool's export is read (lib/ingestion/survey_input.py),
before the expectation suite runs: registered here beside the suite's, so that their findings
reach the report, ``marts.data_quality`` and the gates like any other. Great Expectations does not
run them (``build`` gives no GX expectation): the people a name stands for and the labels of an
answer scale are only known while the export is turned into the contract's rows.
"""

from __future__ import annotations

from scl_pipeline.lib.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.validation.expectations import ExpectationDef
from scl_pipeline.lib.ingestion.validation.findings import Severity

RESPONDENT_IDENTIFIED = "ona_survey.respondent_identified"
NOMINEE_IDENTIFIED = "ona_survey.nominee_identified"
STRENGTH_LABEL_ON_SCALE = "ona_survey.strength_label_on_scale"


def _read_check(name: str, severity: Severity, column: str, description: str) -> ExpectationDef:
    return ExpectationDef(
        name=name, file_kind=ONA_SURVEY.name, severity=severity, column=column, columns=(column,),
        description=description, build=lambda gxe, frame, refs: None,
    )


LAYOUT_EXPECTATIONS: tuple[ExpectationDef, ...] = (
    _read_check(
        RESPONDENT_IDENTIFIED, Severity.WARNING, "respondent_id",
        "the respondent, given by e-mail or name, is exactly one person of the HR export (a respondent matching "
        "nobody, or several people: ambiguous, or left blank is quarantined by row and column, the value not kept)",
    ),
    _read_check(
        NOMINEE_IDENTIFIED, Severity.WARNING, "nominee_id",
        "the nominee, given by e-mail or name, is exactly one person of the HR export (a nominee matching "
        "nobody, or several people: ambiguous, is quarantined by row and column, the value not kept)",
    ),
    _read_check(
        STRENGTH_LABEL_ON_SCALE, Severity.ERROR, "strength",
        "every answer label given as strength is on the answer scale (shipped or under [scales] in "
        "survey_layout.toml); a label off the scale would be a silent NULL",
    ),
)
