"""Transcript exports parse with third-party readers (pysrt, webvtt-py)."""

from __future__ import annotations

import json

import pysrt
import pytest
import webvtt

from studio.errors import MediaError
from studio.video.subtitles import export, load_json

SEGS = [
    {"start": 0.0, "end": 2.5, "text": "Trà xạ đen giá 120.000đ", "words": []},
    {"start": 2.5, "end": 3661.256, "text": "Chốt đơn --> ngay\n\nhôm nay", "words": []},
    {"start": 4000.0, "end": 4001.0, "text": "   ", "words": []},
]


def test_srt_parses_with_pysrt(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text(export(SEGS, "srt"), encoding="utf-8")
    subs = pysrt.open(str(path), encoding="utf-8")
    assert len(subs) == 2  # the blank segment is left out
    assert subs[0].text == "Trà xạ đen giá 120.000đ"
    assert subs[1].end.ordinal == 3661256  # 1 h 1 min 1.256 s, in ms
    assert "\n" not in subs[1].text and "-->" not in subs[1].text


def test_vtt_parses_with_webvtt(tmp_path):
    path = tmp_path / "t.vtt"
    path.write_text(export(SEGS, "vtt"), encoding="utf-8")
    cues = list(webvtt.read(str(path)))
    assert [c.start for c in cues] == ["00:00:00.000", "00:00:02.500"]
    assert cues[1].end == "01:01:01.256"
    assert cues[0].text == "Trà xạ đen giá 120.000đ"


def test_txt_and_json_round_trip(tmp_path):
    assert export(SEGS, "txt").splitlines()[0] == "Trà xạ đen giá 120.000đ"
    path = tmp_path / "t.json"
    path.write_text(export(SEGS, "json", lang="vi"), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["lang"] == "vi" and len(data["segments"]) == 3
    assert load_json(path)[0]["text"] == SEGS[0]["text"]


def test_bad_format_and_bad_transcript_file(tmp_path):
    with pytest.raises(ValueError, match="use one of srt, vtt, txt, json"):
        export(SEGS, "docx")
    bad = tmp_path / "bad.json"
    bad.write_text('{"segments": [{"start": "x"}]}')
    with pytest.raises(MediaError, match="not a transcript.json.*python -m studio transcribe"):
        load_json(bad)
