"""Privacy for the serving copy, part one: keyed pseudonyms for employee ids (the small-group
suppression is :mod:`.suppression`).

A pseudonym is ``p_`` + the first 16 hex digits (64 bits) of HMAC-SHA256(key, employee id): the
same id maps to the same pseudonym in every table and wave while the key stays the same, and
nobody without the key can recompute or reverse it. The key comes from ``SCL_PSEUDONYM_KEY`` and
never appears in a log line, a repr, an exception or the published metadata.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
from collections.abc import Mapping

import duckdb
import pyarrow as pa

log = logging.getLogger(__name__)

PSEUDONYM_KEY_ENV = "SCL_PSEUDONYM_KEY"
# Set to "1" by ``scl demo`` (never by default): without SCL_PSEUDONYM_KEY, publish with the
# public demo key instead of refusing. Dagster runs read it from their environment.
ALLOW_DEMO_KEY_ENV = "SCL_ALLOW_DEMO_KEY"
PSEUDONYM_PREFIX = "p_"
PSEUDONYM_HEX_DIGITS = 16
MIN_KEY_LENGTH = 16
PSEUDONYM_FUNCTION = "scl_pseudonym"

# Public on purpose: it protects nothing and is only for generated demo data.
_DEMO_KEY = "scl-demo-pseudonym-key--not-a-secret--demo-data-only"


class PseudonymKeyError(RuntimeError):
    """No usable pseudonym key (the message never contains a key)."""


class PseudonymKey:
    """A pseudonymisation key. ``source`` says where it came from (``env``, ``demo``, ``given``);
    the secret itself is not shown by repr/str and is not pickled into logs by accident."""

    __slots__ = ("_secret", "source")

    def __init__(self, secret: str | bytes, source: str = "given") -> None:
        raw = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        if len(raw) < MIN_KEY_LENGTH:
            raise PseudonymKeyError(
                f"pseudonym key is too short: {len(raw)} bytes, at least {MIN_KEY_LENGTH} needed "
                f"(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        self._secret = raw
        self.source = source

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    def __repr__(self) -> str:
        return f"PseudonymKey(source={self.source!r}, secret=<hidden>)"

    __str__ = __repr__

    def __reduce__(self) -> tuple:
        raise TypeError("PseudonymKey is not picklable: pass it through the environment instead")

    def pseudonym(self, employee_id: str) -> str:
        digest = hmac.new(self._secret, employee_id.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_DIGITS]


def load_pseudonym_key(
    environ: Mapping[str, str] | None = None, *, allow_demo_key: bool = False, announce_demo_key: bool = True
) -> PseudonymKey:
    """The key from ``SCL_PSEUDONYM_KEY``; without it, the public demo key when ``allow_demo_key``
    (the demo command), else :class:`PseudonymKeyError`. Using the demo key is logged as a
    warning unless ``announce_demo_key`` is false (a caller whose pseudonyms never leave the
    process, such as the reports, which only join on them)."""
    env = os.environ if environ is None else environ
    value = env.get(PSEUDONYM_KEY_ENV, "").strip()
    if value:
        return PseudonymKey(value, source="env")
    if allow_demo_key:
        if announce_demo_key:
                log.warning(
                "%s is not set: using the PUBLIC DEMO pseudonym key. Pseudonyms in this serving copy "
                "are NOT protected; use it for demo data only.",
                PSEUDONYM_KEY_ENV,
            )
        return PseudonymKey(_DEMO_KEY, source="demo")
    raise PseudonymKeyError(
        f"environment variable {PSEUDONYM_KEY_ENV} is not set: the serving copy replaces employee "
        f"ids with keyed pseudonyms and needs a secret key of at least {MIN_KEY_LENGTH} "
        "characters (keep it stable across runs so pseudonyms stay comparable)"
    )


def key_from_environment(
    environ: Mapping[str, str] | None = None, *, allow_demo_key: bool = False, announce_demo_key: bool = True
) -> PseudonymKey:
    """The key the pipeline publishes with: ``SCL_PSEUDONYM_KEY``, or the demo key only when the
    caller (``scl demo``) or ``SCL_ALLOW_DEMO_KEY=1`` explicitly allows it."""
    env = os.environ if environ is None else environ
    allowed = allow_demo_key or env.get(ALLOW_DEMO_KEY_ENV, "").strip() == "1"
    return load_pseudonym_key(env, allow_demo_key=allowed, announce_demo_key=announce_demo_key)


def pseudonym(employee_id: str, key: PseudonymKey) -> str:
    """The pseudonym of one employee id."""
    return key.pseudonym(employee_id)


def register_pseudonym_function(
    con: duckdb.DuckDBPyConnection, key: PseudonymKey, name: str = PSEUDONYM_FUNCTION
) -> None:
    """Register ``name(VARCHAR) -> VARCHAR`` on ``con`` computing pseudonyms batch by batch.

    The key lives only in the Python closure, never in SQL text. Ids repeat across waves and
    tables, so each distinct id is hashed once per publish.
    """
    cache: dict[str, str] = {}

    def _batch(ids: pa.Array) -> pa.Array:
        out = []
        for value in ids.to_pylist():
            if value is None:
                out.append(None)
                continue
            hit = cache.get(value)
            if hit is None:
                hit = cache[value] = key.pseudonym(value)
            out.append(hit)
        return pa.array(out, type=pa.string())

    con.create_function(
        name,
        _batch,
        [duckdb.sqltype("VARCHAR")],
        duckdb.sqltype("VARCHAR"),
        type="arrow",
        null_handling="special",
        side_effects=False,
    )
