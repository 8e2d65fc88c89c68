"""Prompt files: validation on load and render, versions saved as new files, comparison."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.errors import NotFound
from studio.writing import prompts
from studio.writing.prompts import PromptError, get_prompt, parse, save_version

GOOD = '''name = "demo"
version = 1
variables = ["facts", "lang_name"]
system = "Write in $lang_name."
user = """<<<FACTS
$facts
FACTS>>>"""

[schema]
required = ["title"]

[schema.properties]
title = "string"
tags = "string[]"
'''


def test_shipped_prompts_load_and_render():
    assert {"story", "listing", "script", "caption"} <= set(prompts.names())
    for name in prompts.names():
        prompt = get_prompt(name)
        values = {v: f"<{v}>" for v in prompt.variables}
        messages = prompt.render(values)
        assert [m["role"] for m in messages] == ["system", "user"]
        assert "<facts>" in messages[1]["content"]
        assert "$" not in messages[0]["content"] + messages[1]["content"]


def test_missing_variable_at_render_is_named():
    prompt = parse(GOOD)
    with pytest.raises(PromptError, match="no value for variable 'lang_name'"):
        prompt.render({"facts": "{}"})


def test_undeclared_variable_is_named():
    text = GOOD.replace('system = "Write in $lang_name."',
                        'system = "Write in $lang_name for $channel."')
    with pytest.raises(PromptError, match="variable 'channel' is used but not declared"):
        parse(text)


def test_unused_variable_is_named():
    text = GOOD.replace('variables = ["facts", "lang_name"]',
                        'variables = ["facts", "lang_name", "voice"]')
    with pytest.raises(PromptError, match="variable 'voice' is declared but never used"):
        parse(text)


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace('tags = "string[]"', 'tags = "strings"'), "unknown type 'strings'"),
    (GOOD.replace('required = ["title"]', 'required = ["body"]'), "schema.required"),
    (GOOD.replace("[schema.properties]\n", "").replace('title = "string"\n', "")
     .replace('tags = "string[]"\n', ""), "schema needs a"),
    (GOOD.replace("version = 1", "version = 0"), "version must be a whole number"),
    (GOOD.replace('name = "demo"\n', ""), "missing 'name'"),
    (GOOD.replace("Write in $lang_name.", "Costs 5$ in $lang_name."), "stray '\\$'"),
    (GOOD + "\n[[broken", "not valid TOML"),
])
def test_bad_prompt_files_are_rejected(broken, message):
    with pytest.raises(PromptError, match=message):
        parse(broken)


def test_output_validation():
    prompt = parse(GOOD)
    assert prompt.validate_output({"title": "T", "tags": ["a"], "extra": 1}) == {
        "title": "T", "tags": ["a"]}
    with pytest.raises(PromptError, match="lacks 'title'"):
        prompt.validate_output({"tags": []})
    with pytest.raises(PromptError, match="'tags' should be string\\[\\]"):
        prompt.validate_output({"title": "T", "tags": "a, b"})


def test_saving_an_edit_creates_a_new_version(_studio_env):
    v1 = get_prompt("story")
    before = Path(v1.path).read_text(encoding="utf-8")
    v2 = save_version(v1, system=v1.system + "\nKeep sentences short.", user=v1.user)
    assert v2.version == v1.version + 1
    assert str(_studio_env) in v2.path
    assert get_prompt("story").version == v2.version
    assert get_prompt("story", v1.version).system == v1.system
    assert Path(v1.path).read_text(encoding="utf-8") == before
    assert "+Keep sentences short." in prompts.diff(v1, v2)


def test_a_bad_edit_writes_nothing(_studio_env):
    v1 = get_prompt("caption")
    with pytest.raises(PromptError, match="variable 'price' is used but not declared"):
        save_version(v1, system=v1.system + " Mention $price.", user=v1.user)
    assert prompts.versions("caption") == [v1.version]
    folder = _studio_env / "prompts" / "writing"
    assert not folder.exists() or not list(folder.iterdir())


def test_unknown_prompt_and_version():
    with pytest.raises(NotFound, match="no prompt named 'nope'"):
        get_prompt("nope")
    with pytest.raises(NotFound, match="has no version 99"):
        get_prompt("story", 99)


def test_file_name_must_match_content(_studio_env):
    folder = _studio_env / "prompts" / "writing"
    folder.mkdir(parents=True)
    (folder / "story.v7.toml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(PromptError, match="the file name says story v7"):
        get_prompt("story", 7)
