"""Network measurement (SPEC §2): pure functions over a wave's population and staged ties.

Modules: ``snapshot`` (graphs D and U with one node index), ``wave_graphs``
(a wave's snapshots stored in and reloaded from the ``network.*`` tables), ``pairs`` (ties as
``employee_id`` pairs, comparable across waves and groups), ``person_metrics``,
``constraint`` (vectorised Burt constraint), ``brokerage`` (Gould–Fernandez), ``roles``,
``wave_stats`` (graph statistics of a wave, E-I). Removal, fragmentation and bridges live in
``scl_pipeline.lib.resilience``.
"""
