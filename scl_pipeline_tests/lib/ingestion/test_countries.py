"""Country spellings: ISO codes and names, the shipped aliases, and a landing root's own."""

from __future__ import annotations

import tomllib

import pandas as pd
import pycountry
import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.contract import HR_EXPORT
from scl_pipeline.lib.ingestion.countries import (
    SHIPPED_ALIASES_FILE,
    CountryAliasError,
    alias_table,
    normalise_country,
    shipped_aliases,
)
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.validation import validate_hr_export
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, WAVE, frame


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("UK", "GB"), ("U.K.", "GB"), (" great britain ", "GB"), ("USA", "US"), ("U.S.", "US"), ("U.S.A.", "US"),
        ("Holland", "NL"), ("Korea", "KR"), ("Türkiye", "TR"), ("Turkey", "TR"), ("Turkiye", "TR"),
        ("Czechia", "CZ"), ("Czech Republic", "CZ"), ("Cote d'Ivoire", "CI"), ("Deutschland", "DE"),
        ("Österreich", "AT"), ("ch", "CH"), ("deu", "DE"),
    ],
)
def test_common_spellings_normalise(given, code):
    assert normalise_country(given) == code


@pytest.mark.parametrize("given", ["Atlantis", "Other", "Europe", "America", "", "Westeros"])
def test_unknown_spellings_stay_unknown(given):
    assert normalise_country(given) is None


def test_shipped_aliases_never_shadow_an_iso_code_or_name():
    # Independently of the package's index: each spelling is either unknown to pycountry or
    # already that same country there.
    entries = tomllib.loads(SHIPPED_ALIASES_FILE.read_text())["countries"]
    assert len(entries) >= 40
    for spelling, code in entries.items():
        assert pycountry.countries.get(alpha_2=code) is not None, code
        try:
            assert pycountry.countries.lookup(spelling).alpha_2 == code, spelling
        except LookupError:
            pass
    assert len(shipped_aliases()) == len(entries)


def test_a_landing_root_adds_its_own_spellings(tmp_path):
    (tmp_path / "column_aliases.toml").write_text('[countries]\n"Blighty" = "GB"\n"Suiza" = "Switzerland"\n')
    aliases = AliasMap.for_landing_root(tmp_path).countries
    assert normalise_country("blighty", aliases) == "GB"
    assert normalise_country("SUIZA", aliases) == "CH"
    assert normalise_country("Blighty") is None, "only for that landing root"


@pytest.mark.parametrize(
    ("entry", "problem"),
    [('"Blighty" = "Narnia"', "not an ISO 3166-1 country"), ('"DE" = "FR"', "already the ISO code or name of DE")],
)
def test_bad_user_spellings_name_the_file(tmp_path, entry, problem):
    (tmp_path / "column_aliases.toml").write_text(f"[countries]\n{entry}\n")
    with pytest.raises(LandingFileError, match=f"column_aliases.toml: the alias configuration is not valid: .*{problem}"):
        AliasMap.for_landing_root(tmp_path)


def test_alias_table_rejects_non_text():
    with pytest.raises(CountryAliasError):
        alias_table({"X": 1})


def test_unknown_country_finding_names_the_option_and_user_spellings_pass_validation_and_typing():
    rows = [dict(r) for r in HR_ROWS]
    rows[0]["country"] = "Blighty"
    rows[1]["country"] = "UK"
    hr = frame(rows, HR_FILE)
    finding = validate_hr_export(hr, WAVE).finding("hr_export.country_known")
    assert finding.sample_rows == [1]
    assert "[countries] in column_aliases.toml" in finding.message and "'Blighty'" in finding.message
    options = MatchOptions(country_aliases=alias_table({"Blighty": "GB"}))
    report = validate_hr_export(hr, WAVE, options)
    assert report.passed
    typed = coerce_frame(report.clean, HR_EXPORT, options)
    assert typed["country"].tolist()[:2] == ["GB", "GB"]
    assert typed["country"].tolist()[2:] == [normalise_country(r["country"]) for r in HR_ROWS[2:]]
    assert not pd.isna(typed["country"]).any()
