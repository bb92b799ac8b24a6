"""Progress lines: throttled to every tenth of the work or ten seconds, always at the end, and
recognisable by their prefix."""

from scl_pipeline.lib.runs.progress import PROGRESS_PREFIX, progress_text, throttled_progress


def test_a_line_every_tenth_of_the_work_or_every_ten_seconds_and_at_the_end():
    now = [0.0]
    lines: list[str] = []
    report = throttled_progress(lines.append, "betweenness", "sources", clock=lambda: now[0])
    for done in range(50, 1001, 50):  # 5% steps, instantaneous: a line every 10%
        report(done, 1000)
    assert lines == [f"progress: betweenness: {d:,}/1,000 sources ({d // 10}%)" for d in range(100, 1001, 100)]
    lines.clear()
    slow = throttled_progress(lines.append, "b", "sources", clock=lambda: now[0])
    for done in (1, 2, 3):  # 0.1% steps, 6 s apart: a line once 10 s have passed
        now[0] += 6.0
        slow(done, 1000)
    assert lines == ["progress: b: 2/1,000 sources (0%)"]


def test_progress_text_recognises_only_progress_lines():
    assert progress_text(f"{PROGRESS_PREFIX}b: 1/2 sources (50%)") == "b: 1/2 sources (50%)"
    assert progress_text("betweenness: 1/2") is None
