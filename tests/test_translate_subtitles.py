"""Bilingual subtitles: timings and count kept, SRT/VTT/ASS readable, numbers checked."""

from __future__ import annotations

import json
import subprocess

import pysrt
import pytest
import webvtt

from studio.errors import EngineError, NotFound, ValidationFailed
from studio.fonts import FONTS_DIR
from studio.translate.engines import EngineOptions, get_translator
from studio.translate.glossary import add_term
from studio.translate.subtitles import (
    load_transcript,
    to_ass,
    translate_segments,
    translation_lines,
    write_subtitles,
)
from tests.test_translate_engines import PHRASES, closed_port

SEGMENTS = [
    {"start": 0.0, "end": 2.48, "text": "Chào cả nhà, hôm nay có trà xạ đen",
     "words": [{"start": 0.0, "end": 0.4, "word": "Chào"}]},
    {"start": 2.48, "end": 5.123, "text": "giá chỉ 120.000đ một hộp 500 g", "words": []},
    {"start": 5.2, "end": 7.0, "text": "", "words": []},
    {"start": 7.0, "end": 3725.75, "text": "của hợp tác xã <Tân Lập> {nhé}", "words": []},
]


def twin(**extra):
    return get_translator("inmemory", EngineOptions(twin_table={**PHRASES, **extra}))


@pytest.fixture
def cues(session, ws):
    add_term(session, ws, "xạ đen", "xa den (Celastrus hindsii)")
    add_term(session, ws, "hợp tác xã", "cooperative")
    cues, warnings = translate_segments(session, ws, {"segments": SEGMENTS}, "en", "vi",
                                        twin(**{"chào cả nhà": "hello everyone",
                                                "hôm nay có": "today we have",
                                                "chỉ": "only", "một": "a"}))
    assert warnings == []
    return cues


def test_timings_and_count_are_kept(cues):
    assert len(cues) == len(SEGMENTS)
    assert [(c.start, c.end) for c in cues] == [(s["start"], s["end"]) for s in SEGMENTS]
    assert cues[0].text == "hello everyone, today we have tea xa den (Celastrus hindsii)"
    assert cues[1].text == "price only 120.000đ a box 500 g" and cues[1].problems == []
    assert cues[2].text == ""


def test_srt_parses_with_both_lines(cues, tmp_path):
    paths = write_subtitles(cues, tmp_path / "out", "live", "en")
    subs = pysrt.open(str(paths["srt"]), encoding="utf-8")
    assert len(subs) == len(SEGMENTS)
    assert subs[0].text.split("\n") == ["Chào cả nhà, hôm nay có trà xạ đen",
                                        "hello everyone, today we have tea xa den "
                                        "(Celastrus hindsii)"]
    assert subs[1].start.ordinal == 2480 and subs[1].end.ordinal == 5123
    assert subs[3].end.ordinal == 3_725_750


def test_vtt_parses_with_both_lines(cues, tmp_path):
    paths = write_subtitles(cues, tmp_path, "live", "en")
    captions = webvtt.read(str(paths["vtt"]))
    assert len(captions) == len(SEGMENTS)
    assert captions[1].lines == ["giá chỉ 120.000đ một hộp 500 g",
                                 "price only 120.000đ a box 500 g"]
    assert (captions[3].start, captions[3].end) == ("00:00:07.000", "01:02:05.750")
    assert "&lt;Tân Lập&gt;" in paths["vtt"].read_text(encoding="utf-8")


def test_ass_has_one_dialogue_per_segment_and_is_escaped(cues):
    text = to_ass(cues)
    dialogues = [line for line in text.splitlines() if line.startswith("Dialogue:")]
    assert len(dialogues) == len(SEGMENTS)
    assert dialogues[0].startswith("Dialogue: 0,0:00:00.00,0:00:02.48,Source,,0,0,0,,Chào")
    assert r"\N{\rTranslation}hello everyone" in dialogues[0]
    assert dialogues[3].startswith("Dialogue: 0,0:00:07.00,1:02:05.75,")
    assert "{nhé}" not in dialogues[3] and "(nhé)" in dialogues[3]


@pytest.mark.slow
def test_libass_renders_the_ass_file(cues, tmp_path):
    import imageio_ffmpeg

    path = write_subtitles(cues, tmp_path, "live", "en")["ass"]
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "lavfi", "-i",
           "color=c=black:s=540x960:d=1", "-vf", f"ass={path}:fontsdir={FONTS_DIR}",
           "-frames:v", "1", "-f", "null", "-"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_changed_numbers_are_flagged(session, ws):
    rounding = twin(**{"120.000đ": "120k VND"})
    cues, _ = translate_segments(session, ws, {"segments": SEGMENTS[:2]}, "en", "vi", rounding)
    assert cues[0].problems == []
    assert cues[1].problems == ["numbers differ from the source: check prices and quantities"]


def test_bare_segment_list_and_lines_for_the_renderer(session, ws):
    cues, _ = translate_segments(session, ws, SEGMENTS[1:3], "en", "vi", twin())
    assert translation_lines(cues) == ["price chỉ 120.000đ một box 500 g", ""]
    offline, _ = translate_segments(session, ws, SEGMENTS[1:3], "en", "vi", "offline")
    assert offline[0].untranslated and translation_lines(offline) == ["", ""]


def test_source_language_comes_from_the_transcript(session, ws):
    machine = twin()
    cues, warnings = translate_segments(session, ws, {"language": "vi", "segments": SEGMENTS},
                                        "en", None, machine)
    assert len(cues) == 4 and warnings == []


def test_many_segments_go_in_batches(session, ws):
    machine = twin()
    segments = [{"start": i, "end": i + 1, "text": f"trà số {i}"} for i in range(45)]
    cues, _ = translate_segments(session, ws, {"segments": segments}, "en", "vi", machine)
    assert [len(batch) for batch in machine.calls] == [20, 20, 5]
    assert [c.text for c in cues] == [f"tea số {i}" for i in range(45)]


@pytest.mark.parametrize("transcript, message", [
    ({"segments": []}, "transcript_empty"),
    ([], "transcript_empty"),
    ("segments", "transcript_shape"),
    ([{"start": 0, "end": 1, "text": "a"}, 7], "transcript_shape"),
    ({"segments": [{"start": 2, "end": 1, "text": "a"}]}, "transcript_order"),
    ({"segments": [{"start": "0", "end": 1, "text": "a"}]}, "transcript_time"),
    ({"segments": [{"start": 0, "end": float("nan"), "text": "a"}]}, "transcript_time"),
    ({"segments": [{"start": 0, "end": 1}]}, "required"),
])
def test_bad_transcript_is_refused(session, ws, transcript, message):
    with pytest.raises(ValidationFailed) as err:
        translate_segments(session, ws, transcript, "en", "vi", twin())
    assert message in [p.code for p in err.value.problems]


def test_transcript_file_errors(tmp_path):
    with pytest.raises(NotFound, match="does not exist"):
        load_transcript(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        load_transcript(bad)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"segments": SEGMENTS}), encoding="utf-8")
    assert load_transcript(good)["segments"][1]["end"] == 5.123


def test_engine_down_writes_nothing(session, ws, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "live.en.srt").write_text("earlier file", encoding="utf-8")
    options = EngineOptions(libre_url=f"http://127.0.0.1:{closed_port()}", retries=0)
    with pytest.raises(EngineError, match="cannot reach LibreTranslate"):
        cues, _ = translate_segments(session, ws, {"segments": SEGMENTS}, "en", "vi", "libre",
                                     options)
        write_subtitles(cues, out, "live", "en")
    assert [p.name for p in out.iterdir()] == ["live.en.srt"]
    assert (out / "live.en.srt").read_text(encoding="utf-8") == "earlier file"
