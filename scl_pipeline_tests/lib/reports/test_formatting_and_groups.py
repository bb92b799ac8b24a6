import pandas as pd
import pytest

from scl_pipeline.lib import formatting as fmt
from scl_pipeline.lib.reports.groups import OTHER, CountryPalette, named_groups, pool


@pytest.mark.parametrize(("value", "text"), [
    (0.654, "65%"), (0.004, "0.4%"), (0.9957, "99.6%"), (1.0, "100%"), (0.0, "0%"),
    (float("nan"), "n/a"),
])
def test_share_never_rounds_to_zero_or_all(value, text):
    assert fmt.share(value) == text


def test_numbers_read_as_words():
    assert fmt.count(12345.0) == "12,345"
    assert fmt.people(1) == "1 person" and fmt.people(3) == "3 people"
    assert fmt.money(1_234_567, "EUR") == "1.2 M EUR"
    assert fmt.money(800_000) == "800 k"
    assert fmt.money(950, "EUR") == "950 EUR"
    assert fmt.points(0.48) == "+48 points" and fmt.points(-0.05) == "-5 points"
    assert fmt.p_value(0.0001) == "p < 0.001" and fmt.p_value(0.0312) == "p = 0.031"
    assert fmt.multiple(4.63) == "4.6x"


def test_groups_under_five_are_never_named():
    sizes = {"A": 40, "B": 5, "C": 4, "D": 12, "E": 12}
    assert named_groups(sizes, top=10) == ["A", "D", "E", "B"]  # C (4) is not named
    assert named_groups(sizes, top=2) == ["A", "D"]  # D before E: equal sizes go alphabetically
    pooled = pool(pd.Series(["A", "C", "B", "Z"]), ["A", "B"])
    assert pooled.tolist() == ["A", OTHER, "B", OTHER]


def test_palette_names_the_largest_countries_and_pools_the_rest():
    countries = pd.Series(["BR"] * 9 + ["IN"] * 6 + ["FJ"] * 4 + ["NO"] * 1)
    palette = CountryPalette.of(countries)
    assert palette.named == ("BR", "IN") and palette.sizes == (9, 6)
    assert palette.colour("FJ") == palette.colour("NO") == palette.colour("unknown")
    assert palette.colour("BR") != palette.colour("IN") != palette.colour("FJ")
    assert [label for label, _ in palette.legend()] == ["BR (9)", "IN (6)", "other countries"]
    # The same counts in another row order give the same palette.
    assert CountryPalette.of(countries.sample(frac=1, random_state=1)) == palette
