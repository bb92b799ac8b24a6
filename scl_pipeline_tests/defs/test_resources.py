import dataclasses

from scl_pipeline.defs.resources import MetricsSettings, RoleSettings
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline.lib.network.roles import RoleConfig


def test_settings_are_generated_from_the_library_dataclasses():
    for resource, config in ((RoleSettings, RoleConfig), (MetricsSettings, MetricsConfig)):
        assert set(resource.model_fields) == {f.name for f in dataclasses.fields(config)}
        assert resource().config() == config()
    assert RoleSettings(percentile=80.0).config() == RoleConfig(percentile=80.0)
    assert MetricsSettings(seed=7).config() == MetricsConfig(seed=7)
