import dataclasses

from scl_pipeline.defs.resources import MetricsSettings, RoleSettings
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline.lib.network.roles import RoleConfig


def test_role_settings_mirror_role_config():
    role_fields = {f.name for f in dataclasses.fields(RoleConfig)} - {"strong_threshold"}
    assert set(RoleSettings.model_fields) == role_fields
    assert RoleSettings().role_config(4) == RoleConfig()
    assert set(MetricsSettings.model_fields) == {f.name for f in dataclasses.fields(MetricsConfig)}
    assert MetricsSettings().metrics_config() == MetricsConfig()
