"""Network domain: per-wave graph snapshots, person metrics and roles, wave and country graph stats."""
