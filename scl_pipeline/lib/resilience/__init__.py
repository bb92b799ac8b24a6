"""Resilience of a wave's trust network (issue 9, SPEC §3b): pure functions, no Dagster.

Modules: ``scopes`` (the organisation and participants graphs, one node index each),
``components`` (components after a removal, fragmentation), ``bridges`` (bridge criticality of
every articulation point from the block-cut tree), ``scenarios`` (removal scenarios and their
builders), ``scenario_file`` (user scenarios from ``landing/scenarios.toml``), ``curves``
(robustness curves by reverse union-find), ``tables`` (the four tables of a wave, as one call or
in the parts the pipeline's steps compute) and ``headline`` (what asset metadata shows).
"""
