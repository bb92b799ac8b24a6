import dataclasses

from scl_pipeline.defs.resources import MetricsSettings, ResilienceSettings, RoleSettings
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline.lib.network.roles import RoleConfig
from scl_pipeline.lib.resilience.tables import ResilienceConfig


def test_settings_are_generated_from_the_library_dataclasses():
    for resource, config in ((RoleSettings, RoleConfig), (MetricsSettings, MetricsConfig), (ResilienceSettings, ResilienceConfig)):
        assert set(resource.model_fields) == {f.name for f in dataclasses.fields(config)}
        assert resource().config() == config()
    assert RoleSettings(percentile=80.0).config() == RoleConfig(percentile=80.0)
    assert MetricsSettings(seed=7).config() == MetricsConfig(seed=7)
    assert ResilienceSettings(max_k=30, critical_min_people=3).config() == ResilienceConfig(max_k=30, critical_min_people=3)
    assert ResilienceSettings().config().max_k is None
