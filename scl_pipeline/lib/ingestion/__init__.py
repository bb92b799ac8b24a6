"""Ingestion (SPEC §1): landing files -> validated -> gated -> typed -> the raw warehouse tables.

``contract`` (what may land), ``discovery`` / ``arrivals`` / ``landing_files`` (what has landed,
what changed, which file is which, links outside the lake), ``readers`` / ``headers`` /
``aliases`` / ``countries`` / ``id_matching`` / ``values`` / ``coerce`` (read and normalise),
``validation/`` (great-expectations suites, repairs, quarantine), ``gates`` (sanity gates of a
wave), ``disclosure`` (what messages about a file may show), ``settings`` (the site's ingestion
settings), ``loading`` / ``raw_tables`` (write a slice, or record its rejection), ``check_tables``
(each step's own quarantine and data-quality tables).
"""
