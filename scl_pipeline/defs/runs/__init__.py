"""Run hygiene: recovering runs whose process died (``recovery``, ``sensors``) and supervising
the runs ``scl`` executes (``supervision``: pool waits, timeout, Ctrl-C and SIGTERM)."""
