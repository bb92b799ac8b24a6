import pytest

from scl_pipeline_tests.lib.reports.hostile import hostile_story_inputs
from scl_pipeline_tests.lib.reports.marts import story_inputs


@pytest.fixture(scope="session")
def story():
    """The marts of the seeded program story (see story.py)."""
    return story_inputs()


@pytest.fixture(scope="session")
def hostile_story():
    """The same story with countries and departments named like markup and spreadsheet formulas."""
    return hostile_story_inputs()
