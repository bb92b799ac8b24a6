"""Did the program work, and was it worth it (issue 10, SPEC §3b): pure functions over plain
frames and graph snapshots, wired into Dagster assets elsewhere.

Modules: ``baseline`` (baseline and reference waves), ``bonds`` (new/kept/lost bonds between two
waves, multi-source reach), ``participant_network``, ``did`` (difference-in-differences with a
seeded bootstrap), ``experiment_log`` (usable experiment rows and problem rows with reasons),
``kbis`` (the experiment's indicators), ``stats`` (Wilson interval, two-proportion test,
bootstrap), ``roi_config`` and ``roi`` (assumptions file and return on investment), ``headlines``
(metadata sentences and chart data). Decisions: docs/impact.md and docs/roi.md.
"""
