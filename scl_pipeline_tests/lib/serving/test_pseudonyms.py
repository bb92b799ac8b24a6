import hashlib
import hmac
import logging
import re

import duckdb
import pytest

from scl_pipeline.lib.serving.pseudonyms import (
    PSEUDONYM_KEY_ENV,
    PseudonymKey,
    PseudonymKeyError,
    _DEMO_KEY,
    load_pseudonym_key,
    pseudonym,
    register_pseudonym_function,
)
from scl_pipeline_tests.lib.serving.helpers import OTHER_KEY, TEST_KEY


def test_pseudonym_is_prefixed_truncated_hmac_sha256():
    expected = "p_" + hmac.new(TEST_KEY.encode(), b"EMP-00042", hashlib.sha256).hexdigest()[:16]
    assert pseudonym("EMP-00042", PseudonymKey(TEST_KEY)) == expected
    assert re.fullmatch(r"p_[0-9a-f]{16}", expected)


def test_different_key_gives_different_pseudonyms():
    ids = [f"EMP-{i:05d}" for i in range(200)]
    a = {pseudonym(i, PseudonymKey(TEST_KEY)) for i in ids}
    b = {pseudonym(i, PseudonymKey(OTHER_KEY)) for i in ids}
    assert len(a) == len(b) == 200
    assert not a & b


def test_missing_key_raises_clear_error_naming_the_variable():
    with pytest.raises(PseudonymKeyError, match=PSEUDONYM_KEY_ENV):
        load_pseudonym_key({})
    with pytest.raises(PseudonymKeyError, match=PSEUDONYM_KEY_ENV):
        load_pseudonym_key({PSEUDONYM_KEY_ENV: "   "})


def test_key_from_environment():
    key = load_pseudonym_key({PSEUDONYM_KEY_ENV: TEST_KEY})
    assert key.source == "env"
    assert key.pseudonym("x") == PseudonymKey(TEST_KEY).pseudonym("x")


def test_demo_key_only_when_allowed_and_announced_without_the_key(caplog):
    with caplog.at_level(logging.DEBUG):
        key = load_pseudonym_key({}, allow_demo_key=True)
    assert key.is_demo
    assert "DEMO" in caplog.text
    assert _DEMO_KEY not in caplog.text


def test_key_hidden_from_repr_str_errors_and_pickle():
    key = PseudonymKey(TEST_KEY)
    assert TEST_KEY not in repr(key) and TEST_KEY not in str(key) and TEST_KEY not in f"{key}"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(key)
    with pytest.raises(PseudonymKeyError) as err:
        PseudonymKey("short-secret")
    assert "short-secret" not in str(err.value)


def test_duckdb_function_matches_python_for_scalars_lists_and_nulls():
    key = PseudonymKey(TEST_KEY)
    con = duckdb.connect()
    register_pseudonym_function(con, key)
    row = con.execute(
        "SELECT scl_pseudonym('EMP-1'), scl_pseudonym(NULL), "
        "list_transform(['EMP-1', NULL, 'EMP-2'], lambda x: scl_pseudonym(x))"
    ).fetchall()[0]
    assert row == (key.pseudonym("EMP-1"), None, [key.pseudonym("EMP-1"), None, key.pseudonym("EMP-2")])
