"""The stable CLI: transcribe, highlights, clip, pipeline; errors exit 2 with one line."""

from __future__ import annotations

import json

import pysrt
import pytest
import webvtt

from studio.cli import main
from studio.video.probe import probe

pytest_plugins = ("tests.media",)

pytestmark = pytest.mark.slow


@pytest.fixture
def model_dir(bundled_model_folder, monkeypatch):
    """Point the CLI at the session's already-joined model (no re-join per test)."""
    monkeypatch.setenv("STUDIO_ASR_MODEL", str(bundled_model_folder))
    return bundled_model_folder


def test_transcribe_writes_json_srt_vtt_and_resumes(live_vi, tmp_path, capsys, model_dir,
                                                    vi_segments):
    out = tmp_path / "t"
    out.mkdir()
    # A previous run saved the first two segments, then died mid-line.
    done = vi_segments[:2]
    lines = [json.dumps({"segment": s}, ensure_ascii=False) for s in done]
    lines.append(json.dumps({"until": done[-1]["end"]}))
    (out / "transcript.partial.jsonl").write_text("\n".join(lines) + '\n{"segm', "utf-8")
    assert main(["transcribe", str(live_vi.path), "--lang", "vi", "--out", str(out),
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    data = json.loads((out / "transcript.json").read_text("utf-8"))
    segs = data["segments"]
    assert report["segments"] == len(segs) and segs[:2] == done
    assert all({"start", "end", "text", "words"} <= set(s) for s in segs)
    assert segs[2]["start"] >= done[-1]["end"] - 0.01
    assert not (out / "transcript.partial.jsonl").exists()
    assert len(pysrt.open(str(out / "transcript.srt"), encoding="utf-8")) == len(segs)
    assert len(list(webvtt.read(str(out / "transcript.vtt")))) == len(segs)


def test_highlights_and_clip(live_vi, tmp_path, capsys, vi_segments):
    transcript = tmp_path / "transcript.json"
    transcript.write_text(json.dumps({"segments": vi_segments}, ensure_ascii=False), "utf-8")
    assert main(["highlights", str(live_vi.path), "--transcript", str(transcript),
                 "--count", "2", "--json"]) == 0
    picks = json.loads(capsys.readouterr().out)
    assert len(picks) == 2 and picks[0]["end"] <= picks[1]["start"]
    assert all({"start", "end", "score", "reasons", "product"} <= set(p) for p in picks)
    out = tmp_path / "clip.mp4"
    assert main(["clip", str(live_vi.path), "--start", "3", "--end", "9", "--out", str(out),
                 "--aspect", "1:1", "--captions", "src", "--transcript", str(transcript),
                 "--json"]) == 0
    info = probe(out)
    assert (info.width, info.height) == (1080, 1080) and abs(info.duration - 6) <= 0.3


def test_pipeline_writes_clips_and_manifest(live_vi, tmp_path, capsys, model_dir):
    out = tmp_path / "p"
    assert main(["pipeline", str(live_vi.path), "--lang", "vi", "--count", "2", "--out",
                 str(out), "--json"]) == 0
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest == json.loads(capsys.readouterr().out)
    assert len(manifest["clips"]) == 2
    for clip in manifest["clips"]:
        assert {"file", "start", "end", "score", "reasons", "product", "caption",
                "thumbnail"} <= set(clip)
        info = probe(out / clip["file"])
        assert (info.width, info.height) == (1080, 1920)
        assert abs(info.duration - (clip["end"] - clip["start"])) <= 0.3
        assert (out / clip["thumbnail"]).stat().st_size > 1000
        assert clip["caption"]


@pytest.mark.parametrize("argv,needle", [
    (["highlights", "{text}", "--json"], "not a readable video"),
    (["clip", "{video}", "--start", "9", "--end", "3", "--out", "{tmp}/x.mp4",
      "--captions", "none"], "outside the video"),
    (["highlights", "{video}", "--transcript", "{text}"], "not a transcript.json"),
    (["highlights", "{video}", "--count", "0"], "--count must be between 1 and 50"),
    (["clip", "{video}", "--start", "1", "--end", "2", "--out", "x.mp4", "--aspect", "3:2"],
     "invalid choice"),
])
def test_errors_exit_2_with_one_line(live_vi, tmp_path, capsys, argv, needle):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 10)
    argv = [a.format(text=text, video=live_vi.path, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1 and err.startswith("error: ")
