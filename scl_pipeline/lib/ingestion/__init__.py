"""Ingestion (SPEC §1): landing files -> validated -> typed -> the raw warehouse tables.

``contract`` (what may land), ``discovery`` / ``arrivals`` (what has landed, what changed),
``readers`` / ``aliases`` / ``countries`` / ``values`` / ``coerce`` (read and normalise),
``validation/`` (great-expectations suites, quarantine), ``loading`` / ``raw_tables`` (write a
slice, or record its rejection).
"""
