"""Network measurement (SPEC §2): pure functions over a wave's nodes and staged ties.

Modules: ``snapshot`` (graphs D and U with one node index, persist/reload), ``person_metrics``,
``constraint`` (vectorised Burt constraint), ``brokerage`` (Gould–Fernandez), ``roles``,
``wave_stats`` (wave, country and mixing tables). Removal, fragmentation and bridges live in
``scl_pipeline.lib.resilience``.
"""
