"""What ``scl`` refuses and what ``--set`` changes: the user's error type and the settings parser
(``bench_wave`` parses its settings here too)."""

from __future__ import annotations

SETTINGS_RESOURCES = ("gates", "ingestion", "network", "roles", "metrics")


class CliError(ValueError):
    """A problem the user can act on: printed as one line, exit code 2."""


def parse_settings(pairs: list[str]) -> dict[str, dict[str, str]]:
    """``["gates.max_population_change=0.6"]`` -> ``{"gates": {"max_population_change": "0.6"}}``
    (the resources type-check the values)."""
    settings: dict[str, dict[str, str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        resource, dot, field = name.strip().partition(".")
        if not sep or not dot or not field.strip() or resource not in SETTINGS_RESOURCES:
            from scl_pipeline.defs.resources import renamed_resource_hint

            raise CliError(
                f"--set {pair!r}: expected RESOURCE.FIELD=VALUE with RESOURCE one of {', '.join(SETTINGS_RESOURCES)}"
                f"{renamed_resource_hint([resource])} (docs/data_quality.md lists the gates and ingestion settings)"
            )
        settings.setdefault(resource, {})[field] = value.strip()
    return settings
