"""``python -m studio translate | glossary | translate-subs`` through the real entry point."""

from __future__ import annotations

import json

import pytest

from studio.cli import main
from tests.fakes.libretranslate import LibreTranslateFake
from tests.test_translate_engines import PHRASES, closed_port


@pytest.fixture
def studio(sqlite_engine, monkeypatch):
    monkeypatch.setenv("STUDIO_TRANSLATE_RETRIES", "0")
    assert main(["demo"]) == 0


def run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_translate_offline_json_marks_untranslated(studio, capsys):
    assert run(capsys, "glossary", "add", "--source", "xạ đen", "--target",
               "xa den (Celastrus hindsii)", "--from", "vi", "--to", "en")[0] == 0
    code, out, _ = run(capsys, "translate", "--from", "vi", "--to", "en", "--text",
                       "Trà xạ đen Hòa Bình", "--json")
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("engine", "source", "target", "text", "untranslated")} == {
        "engine": "offline", "source": "vi", "target": "en", "text": "Trà xạ đen Hòa Bình",
        "untranslated": True}
    assert data["glossary"] == [{"source": "xạ đen", "target": "xa den (Celastrus hindsii)",
                                 "status": "suggested"}]


def test_translate_with_libre_and_file(studio, capsys, tmp_path):
    source = tmp_path / "post.txt"
    source.write_text("Mật ong rừng\n\nhộp 500 g", encoding="utf-8")
    with LibreTranslateFake(PHRASES) as libre:
        code, out, err = run(capsys, "translate", "--to", "en", "--engine", "libre",
                             "--libre-url", libre.url, "--file", str(source))
    assert (code, out, err) == (0, "honey forest\n\nbox 500 g\n", "")
    assert source.read_text(encoding="utf-8") == "Mật ong rừng\n\nhộp 500 g"


def test_libre_url_from_the_environment(studio, capsys, monkeypatch):
    with LibreTranslateFake(PHRASES) as libre:
        monkeypatch.setenv("STUDIO_LIBRE_URL", libre.url)
        monkeypatch.setenv("STUDIO_TRANSLATE_ENGINE", "libre")
        code, out, _ = run(capsys, "translate", "--to", "en", "--text", "trà")
    assert (code, out) == (0, "tea\n")


@pytest.mark.parametrize("argv, message", [
    (["translate", "--to", "xx", "--text", "trà"], "unknown language code 'xx' for --to"),
    (["translate", "--to", "en", "--text", ""], "no text to translate"),
    (["translate", "--to", "en", "--engine", "babel", "--text", "trà"], "unknown engine"),
    (["translate", "--to", "en", "--file", "/nonexistent/x.txt"], "does not exist"),
    (["translate", "--to", "en", "--engine", "libre", "--text", "trà"], "STUDIO_LIBRE_URL"),
    (["translate", "--to", "en", "--text", "a", "--file", "b"], "not allowed with argument"),
    (["glossary", "add", "--source", "x", "--target", " "], "target: Required"),
    (["glossary", "import", "/nonexistent.csv"], "does not exist"),
    (["translate-subs", "/nonexistent.json", "--to", "en", "--out", "/tmp/x"],
     "does not exist"),
])
def test_errors_are_one_line_and_exit_2(studio, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_files_are_refused(studio, capsys, tmp_path):
    latin = tmp_path / "post.txt"
    latin.write_bytes("café".encode("latin-1"))
    code, _, err = run(capsys, "translate", "--to", "en", "--file", str(latin))
    assert code == 2 and "is not UTF-8 text; save it as UTF-8" in err
    transcript = tmp_path / "live.json"
    transcript.write_text('{"segments": [{"start": 0, "end": 1, "text": "trà"}]}',
                          encoding="utf-8")
    blocker = tmp_path / "subs"
    blocker.write_text("not a folder", encoding="utf-8")
    code, _, err = run(capsys, "translate-subs", str(transcript), "--to", "en", "--out",
                       str(blocker))
    assert code == 2 and "is a file, not a folder; pass a folder to --out" in err
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_engine_down_exits_2(studio, capsys):
    code, out, err = run(capsys, "translate", "--to", "en", "--engine", "libre", "--libre-url",
                         f"http://127.0.0.1:{closed_port()}", "--text", "trà")
    assert code == 2 and out == ""
    assert "cannot reach LibreTranslate" in err and "--engine offline" in err


def test_glossary_list_and_import(studio, capsys, tmp_path):
    csv_file = tmp_path / "terms.csv"
    csv_file.write_text("source,target\nhợp tác xã,cooperative\nOCOP,OCOP\n", encoding="utf-8")
    code, out, _ = run(capsys, "glossary", "import", str(csv_file), "--json")
    assert code == 0 and json.loads(out) == {"created": 2, "updated": 0, "rows": 2}
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target\nnước mắm,fish sauce\n,missing\n", encoding="utf-8")
    code, _, err = run(capsys, "glossary", "import", str(bad))
    assert code == 2 and "row 3, source: Required" in err
    code, out, _ = run(capsys, "glossary", "list", "--json")
    rows = json.loads(out)
    assert [(r["source"], r["target"], r["from"], r["to"]) for r in rows] == [
        ("OCOP", "OCOP", "vi", "en"), ("hợp tác xã", "cooperative", "vi", "en")]


def test_translate_subs_writes_three_formats(studio, capsys, tmp_path):
    transcript = tmp_path / "live.json"
    transcript.write_text(json.dumps({"segments": [
        {"start": 0.0, "end": 1.5, "text": "Mật ong rừng", "words": []},
        {"start": 1.5, "end": 3.0, "text": "giá 120.000đ", "words": []}]}), encoding="utf-8")
    with LibreTranslateFake(PHRASES) as libre:
        code, out, _ = run(capsys, "translate-subs", str(transcript), "--to", "en", "--out",
                           str(tmp_path / "subs"), "--engine", "libre", "--libre-url", libre.url,
                           "--json")
    data = json.loads(out)
    assert code == 0 and data["segments"] == 2 and data["untranslated"] == 0
    assert sorted(data["files"]) == ["ass", "json", "srt", "vtt"]
    srt = (tmp_path / "subs" / "live.en.srt").read_text(encoding="utf-8")
    assert "Mật ong rừng\nhoney forest" in srt and "giá 120.000đ\nprice 120.000đ" in srt


@pytest.mark.parametrize("name, value", [("STUDIO_TRANSLATE_TIMEOUT", "soon"),
                                         ("STUDIO_TRANSLATE_TIMEOUT", "0"),
                                         ("STUDIO_TRANSLATE_RETRIES", "-1")])
def test_bad_setting_names_the_variable(studio, capsys, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    code, out, err = run(capsys, "translate", "--to", "en", "--text", "trà")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {name} is invalid") and "fix or unset it" in err
