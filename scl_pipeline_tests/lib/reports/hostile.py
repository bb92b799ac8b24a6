"""Group names that are markup, spreadsheet formulas or mathtext: a report must show them inert."""

from scl_pipeline_tests.lib.reports.marts import story_inputs
from scl_pipeline_tests.lib.reports.story import COUNTRIES, DEPARTMENTS

SCRIPT_COUNTRY = "<script>alert(1)</script>"
FORMULA_COUNTRY = '=HYPERLINK("http://example.invalid","click")'
MATH_COUNTRY = "$\\frac{$ land"  # mathtext would fail to parse it
SCRIPT_DEPARTMENT = "<img src=x onerror=alert(2)>"
FORMULA_DEPARTMENT = '=HYPERLINK("http://example.invalid")'

HOSTILE_COUNTRIES = tuple(
    ({"Germany": SCRIPT_COUNTRY, "Kenya": FORMULA_COUNTRY, "Chile": MATH_COUNTRY}.get(c, c), n)
    for c, n in COUNTRIES
)
HOSTILE_DEPARTMENTS = (SCRIPT_DEPARTMENT, FORMULA_DEPARTMENT, *DEPARTMENTS[2:])


def hostile_story_inputs():
    """The story with countries and departments named like markup and formulas (all >= 5 people,
    so every one of them is named somewhere)."""
    return story_inputs(countries=HOSTILE_COUNTRIES, departments=HOSTILE_DEPARTMENTS)
