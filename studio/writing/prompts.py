"""Prompt files: name, version, system text, user template, variables, output schema.

Shipped prompts live in ``prompts/writing/<name>.v<version>.toml``; edits made in the studio are
saved as new version files under ``<data dir>/prompts/writing/`` (never overwriting a version).
Templates use ``$variable``; a prompt is validated when loaded (every variable used is declared
and every declared one is used, the schema types are known) and when rendered (a missing value
raises an error naming the variable).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import string
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from studio.config import get_settings
from studio.errors import NotFound, StudioError

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "prompts" / "writing"
TYPES = ("string", "string[]", "object[]")
_FILE = re.compile(r"^(?P<name>[a-z][a-z0-9_-]*)\.v(?P<version>\d+)\.toml$")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


class PromptError(StudioError):
    """A prompt file or its values are invalid."""


@dataclass(frozen=True)
class Prompt:
    name: str
    version: int
    system: str
    user: str
    variables: tuple[str, ...]
    schema: dict
    description: str = ""
    path: str = ""

    def render(self, values: dict[str, object]) -> list[dict]:
        """Chat messages with the variables filled; PromptError names a missing variable."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise PromptError(f"prompt {self.name} v{self.version}: no value for variable "
                              f"'{missing[0]}'; pass it when rendering")
        text = {k: str(v) for k, v in values.items()}
        return [{"role": "system", "content": string.Template(self.system).substitute(text)},
                {"role": "user", "content": string.Template(self.user).substitute(text)}]

    def validate_output(self, data: dict) -> dict:
        """``data`` checked against the schema; PromptError names the first problem."""
        props = self.schema["properties"]
        for key in self.schema["required"]:
            if key not in data:
                raise PromptError(f"the answer lacks '{key}' (prompt {self.name} "
                                  f"v{self.version}); try again or use the offline engine")
        out = {}
        for key, kind in props.items():
            if key not in data:
                continue
            value = data[key]
            ok = (isinstance(value, str) if kind == "string" else
                  isinstance(value, list) and all(
                      isinstance(v, str if kind == "string[]" else dict) for v in value))
            if not ok:
                raise PromptError(f"the answer's '{key}' should be {kind} (prompt {self.name} "
                                  f"v{self.version}); try again or use the offline engine")
            out[key] = value
        return out


def user_dir() -> Path:
    return get_settings().data_dir / "prompts" / "writing"


def parse(text: str, source: str = "<text>") -> Prompt:
    """A Prompt from TOML text, validated; PromptError says what to fix."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"{source}: not valid TOML ({exc}); fix the syntax") from exc
    for key in ("name", "version", "system", "user", "variables", "schema"):
        if key not in raw:
            raise PromptError(f"{source}: missing '{key}'; every prompt needs name, version, "
                              "system, user, variables and schema")
    name, version = raw["name"], raw["version"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise PromptError(f"{source}: bad name {name!r}; use lower-case letters, digits, - or _")
    if not isinstance(version, int) or version < 1:
        raise PromptError(f"{source}: version must be a whole number from 1")
    variables = raw["variables"]
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise PromptError(f"{source}: variables must be a list of names")
    used: list[str] = []
    for part in ("system", "user"):
        template = string.Template(raw[part])
        if not template.is_valid():
            raise PromptError(f"{source}: the {part} text has a stray '$'; write '$$' for a "
                              "dollar sign")
        used += [v for v in template.get_identifiers() if v not in used]
    undeclared = [v for v in used if v not in variables]
    if undeclared:
        raise PromptError(f"{source}: variable '{undeclared[0]}' is used but not declared; add "
                          "it to variables")
    unused = [v for v in variables if v not in used]
    if unused:
        raise PromptError(f"{source}: variable '{unused[0]}' is declared but never used; remove "
                          "it or use it as $" + unused[0])
    schema = _schema(raw["schema"], source)
    return Prompt(name, version, raw["system"], raw["user"], tuple(variables), schema,
                  raw.get("description", ""), source)


def _schema(raw: object, source: str) -> dict:
    if not isinstance(raw, dict) or not isinstance(raw.get("properties"), dict):
        raise PromptError(f"{source}: schema needs a [schema.properties] table of field = type")
    props = raw["properties"]
    for key, kind in props.items():
        if kind not in TYPES:
            raise PromptError(f"{source}: schema field '{key}' has unknown type {kind!r}; use "
                              f"one of {', '.join(TYPES)}")
    required = raw.get("required", list(props))
    if not isinstance(required, list) or any(k not in props for k in required):
        raise PromptError(f"{source}: schema.required lists a field that is not in "
                          "schema.properties")
    return {"properties": dict(props), "required": list(required)}


def _files() -> dict[tuple[str, int], Path]:
    found: dict[tuple[str, int], Path] = {}
    for folder in (SHIPPED_DIR, user_dir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            m = _FILE.match(path.name)
            if m:
                found[(m["name"], int(m["version"]))] = path
    return found


def load(path: Path) -> Prompt:
    prompt = parse(path.read_text(encoding="utf-8"), str(path))
    m = _FILE.match(path.name)
    if m and (m["name"], int(m["version"])) != (prompt.name, prompt.version):
        raise PromptError(f"{path}: the file name says {m['name']} v{m['version']} but the file "
                          f"says {prompt.name} v{prompt.version}; make them agree")
    return prompt


def names() -> list[str]:
    return sorted({name for name, _ in _files()})


def versions(name: str) -> list[int]:
    return sorted(v for n, v in _files() if n == name)


def get_prompt(name: str, version: int | None = None) -> Prompt:
    """Prompt ``name`` at ``version`` (default: the latest)."""
    found = versions(name)
    if not found:
        raise NotFound(f"no prompt named '{name}'; known prompts: {', '.join(names())}")
    version = version or found[-1]
    if version not in found:
        raise NotFound(f"prompt '{name}' has no version {version}; versions: "
                       f"{', '.join(map(str, found))}")
    return load(_files()[(name, version)])


def save_version(base: Prompt, *, system: str, user: str, description: str | None = None,
                 variables: list[str] | None = None) -> Prompt:
    """Save an edit of ``base`` as the next version; validated first, written atomically."""
    version = max(versions(base.name) or [0]) + 1
    text = dumps({"name": base.name, "version": version,
                  "description": base.description if description is None else description,
                  "variables": list(variables if variables is not None else base.variables),
                  "system": system, "user": user, "schema": base.schema})
    prompt = parse(text, f"{base.name} v{version}")  # raises before anything is written
    folder = user_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{base.name}.v{version}.toml"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    return Prompt(**{**prompt.__dict__, "path": str(target)})


def dumps(data: dict) -> str:
    """TOML text for a prompt (strings as JSON-escaped basic strings, which TOML accepts)."""
    lines = []
    for key in ("name", "version", "description", "variables", "system", "user"):
        value = data[key]
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    lines += ["", "[schema]", f"required = {json.dumps(data['schema']['required'])}", "",
              "[schema.properties]"]
    lines += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in
              data["schema"]["properties"].items()]
    return "\n".join(lines) + "\n"


def diff(a: Prompt, b: Prompt) -> str:
    """A unified diff of two prompts' system and user texts."""
    left = f"# system\n{a.system}\n# user\n{a.user}\n".splitlines(keepends=True)
    right = f"# system\n{b.system}\n# user\n{b.user}\n".splitlines(keepends=True)
    return "".join(difflib.unified_diff(left, right, f"{a.name} v{a.version}",
                                        f"{b.name} v{b.version}"))
