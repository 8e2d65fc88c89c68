"""Live script timing and the teleprompter model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.errors import StudioError
from studio.writing.script import HOOK_MAX_S, ScriptError, plan
from studio.writing.teleprompter import Segment, Teleprompter, teleprompter_html


@given(products=st.integers(1, 5), minutes=st.integers(1, 240))
def test_plan_sums_to_the_target_and_hooks_early(products, minutes):
    try:
        segments = plan(products, minutes)
    except ScriptError as exc:
        assert "too short" in str(exc) and minutes * 60 < (4 + 3 * products) * 5
        return
    assert sum(d for _, _, d in segments) == minutes * 60
    assert segments[0][0] == "hook" and segments[0][2] <= HOOK_MAX_S
    assert all(d > 0 for _, _, d in segments)
    assert [k for k, _, _ in segments][-3:] == ["qa", "buying", "closing"]
    assert sum(1 for k, _, _ in segments if k == "offer") == products


@pytest.mark.parametrize("products, minutes, message", [
    (1, 0, "1 to 240 minutes"), (1, 241, "1 to 240 minutes"), (0, 10, "1 to 20 products"),
    (21, 60, "1 to 20 products"), (20, 1, "too short for 20 product"),
])
def test_bad_plans_say_how_to_fix(products, minutes, message):
    with pytest.raises(ScriptError, match=message):
        plan(products, minutes)


def test_teleprompter_current_segment_and_timer():
    tp = Teleprompter([Segment("Hook", 0, 60, ("a",)), Segment("Story", 60, 120, ("b",)),
                       Segment("Close", 180, 30, ("c",))])
    assert tp.total_s == 210
    pos = tp.at(0)
    assert (pos.index, pos.remaining_s, pos.finished) == (0, 60, False)
    pos = tp.at(90.5)
    assert pos.segment.title == "Story" and pos.elapsed_in_segment == 30.5
    assert pos.remaining_s == 89.5
    assert tp.at(-5).index == 0
    end = tp.at(500)
    assert end.index == 2 and end.finished and end.remaining_s == 0


def test_teleprompter_rejects_empty_or_zero_segments():
    with pytest.raises(StudioError, match="no segments"):
        Teleprompter([])
    with pytest.raises(StudioError, match="has no duration"):
        Teleprompter([Segment("Hook", 0, 0, ())])


def test_teleprompter_html_escapes_text():
    script = {"segments": [{"title": "Mở đầu </script><b>", "start_s": 0, "duration_s": 30,
                            "lines": ["[SHOW] <script>alert(1)</script>", "Xin chào"]}]}
    page = teleprompter_html(script, font_px=48, speed_px_s=12)
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "font-size:48px" in page and 'value="12.0"' in page
    assert page.count("</script>") == 1  # only the component's own closing tag
    assert "\\u003c/script>" in page
