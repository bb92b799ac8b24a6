"""Survey exports shaped as the tools write them, for tests: made from a long survey frame
(respondent_id, nominee_id, relation, strength) and the HR export naming its people.

- :func:`qualtrics_csv`: three header rows (column ids, question texts, ``{"ImportId": ...}``),
  the respondent by ``RecipientEmail``, nominees by full name in ``Q1_1 .. Q1_K``, their
  strengths as labels in ``Q2_1 .. Q2_K``;
- :func:`surveymonkey_csv`: two header rows (question over ``Colleague k``), the respondent by
  ``Email Address``, nominees by e-mail, strengths as numbers;
- :func:`forms_xlsx`: Microsoft Forms: ``ID, Start time, Completion time, Email, Name`` then one
  cell per question holding ``Name;Name;`` (the trailing ``;`` Forms writes), no strength.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

NEVER_VERY_OFTEN = {1: "Never", 2: "Seldom", 3: "Sometimes", 4: "Often", 5: "Very often"}


def people_names(hr: pd.DataFrame, key: str) -> dict[str, str]:
    """employee_id -> its ``key`` column (``full_name``, ``email``)."""
    return dict(zip(hr["employee_id"], hr[key]))


def _slots(survey: pd.DataFrame) -> dict[str, list[tuple[str, object]]]:
    out: dict[str, list[tuple[str, object]]] = {}
    for row in survey.itertuples(index=False):
        out.setdefault(row.respondent_id, []).append((row.nominee_id, getattr(row, "strength", None)))
    return out


def qualtrics_csv(path: Path, hr: pd.DataFrame, survey: pd.DataFrame, labels: dict[int, str] = NEVER_VERY_OFTEN) -> Path:
    names, emails = people_names(hr, "full_name"), people_names(hr, "email")
    slots = _slots(survey)
    k = max(len(v) for v in slots.values())
    fixed = ["StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId", "RecipientLastName",
             "RecipientFirstName", "RecipientEmail", "ExternalReference"]
    header = fixed + [f"Q1_{i}" for i in range(1, k + 1)] + [f"Q2_{i}" for i in range(1, k + 1)]
    texts = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Response ID", "Recipient Last Name",
             "Recipient First Name", "Recipient Email", "External Data Reference"]
    texts += [f"Whom do you trust at work? List up to {k} people. - {i}" for i in range(1, k + 1)]
    texts += [f"How often do you turn to them? - {i}" for i in range(1, k + 1)]
    imports = [json.dumps({"ImportId": c[0].lower() + c[1:]}) for c in fixed]
    imports += [json.dumps({"ImportId": f"QID1_{i}"}) for i in range(1, k + 1)]
    imports += [json.dumps({"ImportId": f"QID2_{i}"}) for i in range(1, k + 1)]
    rows = []
    for n, (respondent, nominated) in enumerate(slots.items()):
        first, _, last = names[respondent].partition(" ")
        row = ["2021-08-02 09:00:00", f"2021-08-02 09:{10 + n % 40:02d}:00", "IP Address", "100", "True", f"R_{n:05d}",
               last, first, emails[respondent], ""]
        people = [names[nominee] for nominee, _ in nominated] + [""] * (k - len(nominated))
        strengths = [labels[int(s)] for _, s in nominated] + [""] * (k - len(nominated))
        rows.append(row + people + strengths)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerows([header, texts, imports, *rows])
    return path


def surveymonkey_csv(path: Path, hr: pd.DataFrame, survey: pd.DataFrame) -> Path:
    emails = people_names(hr, "email")
    slots = _slots(survey)
    k = max(len(v) for v in slots.values())
    fixed = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
             "Last Name", "Custom Data 1"]
    top = fixed + ["Who do you trust? Give their work e-mail."] + [""] * (k - 1)
    top += ["How strongly?"] + [""] * (k - 1)
    options = [""] * len(fixed) + [f"Colleague {i}" for i in range(1, k + 1)] * 2
    rows = []
    for n, (respondent, nominated) in enumerate(slots.items()):
        row = [str(110000 + n), "4001", "08/02/2021 09:00:00 AM", "08/02/2021 09:20:00 AM", "", emails[respondent], "", "", ""]
        people = [emails[nominee] for nominee, _ in nominated] + [""] * (k - len(nominated))
        strengths = [str(int(s)) for _, s in nominated] + [""] * (k - len(nominated))
        rows.append(row + people + strengths)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([top, options, *rows])
    return path


def forms_xlsx(path: Path, hr: pd.DataFrame, survey: pd.DataFrame, questions: dict[str, str] | None = None) -> Path:
    """One ``;``-separated cell of names per relation (``questions``: relation -> question text)."""
    names, emails = people_names(hr, "full_name"), people_names(hr, "email")
    questions = questions or {"trust": "Whom do you trust at work?"}
    respondents = list(dict.fromkeys(survey["respondent_id"]))
    frame = pd.DataFrame(
        {
            "ID": range(1, len(respondents) + 1),
            "Start time": ["8/2/21 9:00:00"] * len(respondents),
            "Completion time": ["8/2/21 9:12:41"] * len(respondents),
            "Email": [emails[r] for r in respondents],
            "Name": [names[r] for r in respondents],
        }
    )
    for relation, text in questions.items():
        chosen = survey[survey["relation"] == relation] if "relation" in survey.columns else survey
        cells = chosen.groupby("respondent_id")["nominee_id"].agg(lambda ids: "".join(f"{names[i]};" for i in ids))
        frame[text] = [cells.get(r) for r in respondents]
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_excel(path, index=False, sheet_name="Sheet1")
    return path
