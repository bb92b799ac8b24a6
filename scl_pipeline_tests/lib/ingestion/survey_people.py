"""A small named organisation for the survey-layout tests: ids, e-mails and full names (one
accented, two people sharing a name), and a survey of its people."""

import pandas as pd

from scl_pipeline_tests.helpers.landing import small_org

_HR, _SURVEY = small_org()
NAMED_HR = _HR.assign(
    full_name=["Zoë Müller", "Ana Berg", "Li Wei", "Omar Haddad", "Priya Gupta", "Sven Larsen", "Rosa Silva", "Kofi Okafor"],
    email=[f"person{i}@example.com" for i in range(1, 9)],
)
SURVEY = _SURVEY
