"""Highlights: product segments by fuzzy, diacritics-free names; scored windows; reasons."""

from __future__ import annotations

import numpy as np
import pytest

from studio.errors import MediaError
from studio.video.highlights import (
    ProductRef,
    Signals,
    find_highlights,
    match_product,
    product_segments,
    sentences,
    tag,
)
from studio.video.lexicon import spoken_price
from studio.video.signals import load_comment_times, loudness_profile, scene_changes
from tests.media import VI_SCRIPT

pytest_plugins = ("tests.media",)

TEA = ProductRef(1, "Trà xạ đen Ô Diên", ("O Dien xa den tea", "trà xạ đen", "xạ đen", "A1"),
                 120000)
POMELO = ProductRef(2, "Bưởi Diễn Chúc Sơn", ("Dien pomelo", "bưởi diễn", "B2"), 60000)
FILLER = "Mỗi buổi sáng cả làng cùng nhau làm việc trên đồi chè xanh."


def _timeline(lines: list[str], gap: float = 0.7, each: float = 4.0) -> list[dict]:
    out, t = [], 0.0
    for line in lines:
        out.append({"start": t, "end": t + each, "text": line, "words": []})
        t += each + gap
    return out


def _overlaps(picks) -> bool:
    return any(a.end > b.start for a, b in zip(picks, picks[1:], strict=False))


def test_product_match_ignores_diacritics_and_small_typos():
    assert match_product("hôm nay giới thiệu TRA XA DEN o dien", [TEA, POMELO])[0] == TEA
    assert match_product("tra sa đen Ô Diên ngon lắm", [TEA, POMELO])[0] == TEA
    assert match_product("buoi dien chuc son loai 1", [TEA, POMELO])[0] == POMELO
    assert match_product("hôm nay trời đẹp quá", [TEA, POMELO])[0] is None
    # Very short aliases ("A1") never match by themselves.
    assert match_product("mã A1 nhé", [TEA, POMELO])[0] is None


def test_product_segments_carry_forward():
    segs = _timeline(VI_SCRIPT)
    runs = product_segments(tag(sentences(segs), [TEA, POMELO]))
    assert [r[0].name if r[0] else None for r in runs] == [TEA.name, POMELO.name]
    assert runs[1][1] == pytest.approx(segs[6]["start"])


def test_spoken_prices():
    assert spoken_price("giá một trăm hai mươi nghìn đồng") == 120000
    assert spoken_price("chỉ 95k thôi") == 95000
    assert spoken_price("giá 1.250.000đ") == 1250000
    assert spoken_price("còn năm mươi suất") is None


def test_highlights_cover_offers_with_reasons_in_order():
    lines = VI_SCRIPT[:4] + [FILLER] * 6 + VI_SCRIPT[6:] + [FILLER] * 3
    segs = _timeline(lines)
    duration = segs[-1]["end"] + 1
    picks = find_highlights(segs, duration, [TEA, POMELO], count=2)
    assert len(picks) == 2 and not _overlaps(picks)
    assert all(15 <= p.end - p.start <= 60 for p in picks)
    assert [p.start for p in picks] == sorted(p.start for p in picks)
    first, second = picks
    # Each spoken offer is inside a highlight.
    assert first.start <= segs[1]["start"] and first.end >= segs[3]["end"]
    assert second.start <= segs[10]["start"] and second.end >= segs[11]["end"]
    assert "giá 120.000đ" in first.reasons
    assert "sản phẩm: Trà xạ đen Ô Diên" in first.reasons
    assert any(r.startswith("kêu gọi: chốt đơn") for r in first.reasons)
    assert "giá 60.000đ" in second.reasons and second.product == POMELO
    assert first.score == 100.0 and 0 < second.score <= 100
    en = find_highlights(segs, duration, [TEA, POMELO], count=2, lang="en")
    assert "price 120,000₫" in en[0].reasons and "product: Trà xạ đen Ô Diên" in en[0].reasons


def test_returns_the_requested_number_when_the_stream_allows():
    segs = _timeline([FILLER] * 20)  # 94 s of talk: room for five 15 s clips
    for count in (1, 3, 5):
        picks = find_highlights(segs, segs[-1]["end"] + 1, [TEA], count=count)
        assert len(picks) == count and not _overlaps(picks)
        assert all(15 <= p.end - p.start <= 60 for p in picks)
    # 94 s cannot hold eight 15 s clips: as many as fit, never overlapping.
    picks = find_highlights(segs, segs[-1]["end"] + 1, [TEA], count=8)
    assert 5 <= len(picks) < 8 and not _overlaps(picks)
    with pytest.raises(ValueError, match="at least 1"):
        find_highlights(segs, 100, [], count=0)


def test_cuts_fall_between_words():
    words = []
    t = 0.0
    for i in range(60):  # one long segment: 60 words, sentence ends every 10 words
        word = f"từ{i}" + ("." if i % 10 == 9 else "")
        words.append({"start": t, "end": t + 0.4, "word": " " + word})
        t += 0.5
    segs = [{"start": 0.0, "end": t, "text": "".join(w["word"] for w in words), "words": words}]
    picks = find_highlights(segs, t + 1, [], count=1)
    edges = [w["start"] for w in words] + [w["end"] for w in words]
    for edge in (picks[0].start, picks[0].end):
        # never inside a word: at most the padding away from a word edge, in a gap
        assert not any(w["start"] + 0.01 < edge < w["end"] - 0.01 for w in words), edge
        assert min(abs(edge - e) for e in edges) <= 0.46


def test_signals_from_media(live_vi):
    loud = loudness_profile(live_vi.path, live_vi.duration)
    assert len(loud) == int(live_vi.duration)
    assert loud.max() > -30 and loud.min() < -60  # speech and the pauses between lines
    cuts = scene_changes(live_vi.path)
    assert any(abs(c - live_vi.duration / 2) < 0.5 for c in cuts)
    segs = _timeline([FILLER] * 12)
    base = find_highlights(segs, 60, [], count=1)
    crowd = tuple(np.linspace(40.0, 55.0, 30))  # everyone commented late in the stream
    picked = find_highlights(segs, 60, [], count=1, signals=Signals(comments=crowd))
    assert picked[0].start > base[0].start


def test_comment_files(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("time,user,text\n00:01:05,lan,chốt\n1:10,minh,ok\n75.5,an,đẹp\n",
                   encoding="utf-8")
    assert load_comment_times(csv) == [65.0, 70.0, 75.5]
    js = tmp_path / "c.json"
    js.write_text('[{"time": "0:00:03"}, {"t": 9}, 12]')
    assert load_comment_times(js) == [3.0, 9.0, 12.0]
    bad = tmp_path / "bad.csv"
    bad.write_text("user,text\nlan,hello\n")
    with pytest.raises(MediaError, match="no comment times found.*HH:MM:SS"):
        load_comment_times(bad)
