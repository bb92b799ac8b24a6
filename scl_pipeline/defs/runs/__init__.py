"""Run hygiene: recovering runs whose process died (``recovery``), supervising the runs ``scl``
executes (``supervision``) and skipping those whose inputs did not change (``incremental``)."""
