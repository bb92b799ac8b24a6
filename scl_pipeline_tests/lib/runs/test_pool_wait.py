import pytest

from scl_pipeline.lib.runs.pool_wait import (
    DEFAULT_POOL_WAIT_TIMEOUT, POOL_WAIT_TIMEOUT_ENV, PoolWait, Slot, pool_wait_timeout, timeout_message, wait_line,
    waits_of,
)


def test_the_timeout_defaults_to_1800_s_and_refuses_what_is_not_a_positive_number():
    assert pool_wait_timeout({}) == DEFAULT_POOL_WAIT_TIMEOUT == 1800.0
    assert pool_wait_timeout({POOL_WAIT_TIMEOUT_ENV: " 90 "}) == 90.0
    assert pool_wait_timeout({POOL_WAIT_TIMEOUT_ENV: "2.5"}) == 2.5
    for bad in ("0", "-5", "ten", "nan", "inf"):
        with pytest.raises(ValueError, match=f"{POOL_WAIT_TIMEOUT_ENV}='{bad}': expected a positive number"):
            pool_wait_timeout({POOL_WAIT_TIMEOUT_ENV: bad})


def test_a_step_waits_while_queued_and_not_given_a_slot_and_the_holders_are_the_other_runs():
    mine_waiting = Slot("duckdb", "me", "participants")
    other_claimed = Slot("duckdb", "other", "wave_exports")
    other_assigned = Slot("duckdb", "third", "experiments")  # given the slot, not claimed yet
    elsewhere = Slot("gpu", "other", "train")
    pending = [mine_waiting, other_claimed, other_assigned, Slot("duckdb", "me", "done_step")]
    assigned = [other_claimed, other_assigned, Slot("duckdb", "me", "done_step")]
    claimed = [other_claimed, elsewhere]
    assert waits_of("me", pending, assigned, claimed) == [
        PoolWait("me", "participants", "duckdb", (other_claimed, other_assigned))
    ]
    assert waits_of("other", pending, assigned, claimed) == []


def test_the_messages_say_the_pool_the_step_the_holder_the_setting_and_where_to_read_on():
    wait = PoolWait("me", "participants", "duckdb", (Slot("duckdb", "dead-run", "wave_exports"),))
    line = wait_line(wait, 12.4, 1800)
    assert line == ("  waiting 12s for a slot of pool 'duckdb' for step participants (held by run dead-run step "
                    "wave_exports); gives up after 1800s (SCL_POOL_WAIT_TIMEOUT)")
    message = timeout_message(wait, 1800)
    assert message.startswith("gave up after waiting 1800s for a slot of pool 'duckdb' for step participants "
                              "(held by run dead-run step wave_exports)")
    assert "SCL_POOL_WAIT_TIMEOUT" in message and "docs/operations.md" in message
    assert "no slot free yet" in wait_line(PoolWait("me", "s", "duckdb", ()), 0, 10)
