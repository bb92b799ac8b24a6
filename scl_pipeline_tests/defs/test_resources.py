import dataclasses

import pytest

from scl_pipeline.defs.resources import (
    GateSettings,
    ImpactSettings,
    IngestionSettings,
    MetricsSettings,
    ResilienceSettings,
    RoleSettings,
    project_resources,
)
from scl_pipeline.lib.impact.config import ImpactConfig
from scl_pipeline.lib.ingestion.gates import GateConfig
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline.lib.network.roles import RoleConfig
from scl_pipeline.lib.resilience.tables import ResilienceConfig


def test_settings_are_generated_from_the_library_dataclasses():
    pairs = (
        (RoleSettings, RoleConfig), (MetricsSettings, MetricsConfig), (ImpactSettings, ImpactConfig),
        (GateSettings, GateConfig), (IngestionSettings, IngestionConfig), (ResilienceSettings, ResilienceConfig),
    )
    for resource, config in pairs:
        assert set(resource.model_fields) == {f.name for f in dataclasses.fields(config)}
        assert resource().config() == config()
    assert RoleSettings(percentile=80.0).config() == RoleConfig(percentile=80.0)
    assert MetricsSettings(seed=7).config() == MetricsConfig(seed=7)
    assert ResilienceSettings(max_k=30, critical_min_people=3).config() == ResilienceConfig(max_k=30, critical_min_people=3)
    assert ResilienceSettings().config().max_k is None
    assert GateSettings(max_population_change="0.6").config() == GateConfig(max_population_change=0.6)


def test_a_misspelt_setting_is_an_error_not_ignored():
    with pytest.raises(ValueError, match=r"GateSettings has no setting\(s\) \['max_population_chnage'\]"):
        project_resources("/lake", gates={"max_population_chnage": "1"})
    with pytest.raises(ValueError, match=r"no settings resource\(s\) \['gate'\]"):
        project_resources("/lake", gate={})


def test_impact_settings_check_their_values():
    assert ImpactSettings(control_group="non_participants", k=3).config() == ImpactConfig(control_group="non_participants", k=3)
    assert ImpactSettings(baseline_wave=" ").config().baseline_wave is None  # an empty UI field
    # Matched controls are the default: 3 per participant, without replacement, caliper 1.5.
    default = ImpactSettings().config()
    assert (default.control_group, default.engagement_min_exchanges) == ("matched", 3)
    assert (default.matching.k, default.matching.replace, default.matching.caliper) == (3, False, 1.5)
    assert ImpactSettings(match_exact="country, level", match_caliper=None).config().matching.exact == ("country", "level")
    for bad, message in (({"control_group": "everyone"}, "control_group 'everyone'"), ({"k": 0}, "k=0"),
                         ({"bootstrap_draws": 500}, "at least 2000"), ({"baseline_wave": "2021"}, "wave name"),
                         ({"match_k": 0}, "match_k=0"), ({"match_caliper": -1.0}, "match_caliper=-1"),
                         ({"engagement_min_exchanges": 0}, "engagement_min_exchanges=0")):
        with pytest.raises(ValueError, match=message):
            ImpactSettings(**bad).config()


def test_the_old_key_of_the_network_settings_names_the_new_one():
    from scl_pipeline.cli_settings import CliError, parse_settings

    assert project_resources("/lake", network={"strong_threshold": 3})["network"].strong_threshold == 3
    with pytest.raises(ValueError, match=r"no settings resource\(s\) \['settings'\].*\('settings' is now 'network'\)"):
        project_resources("/lake", settings={"strong_threshold": 3})
    assert parse_settings(["network.strong_threshold=3"]) == {"network": {"strong_threshold": "3"}}
    with pytest.raises(CliError, match=r"'settings' is now 'network'"):
        parse_settings(["settings.strong_threshold=3"])
