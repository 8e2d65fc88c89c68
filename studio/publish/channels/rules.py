"""Checks of platform-channel account options, so a typo fails at ``channel add`` with a
message that says how to fix it instead of deep inside a publish.

A rule is ``"url"`` (http or https), ``"id"`` (digits), ``int`` / ``float`` (a number ≥ 0), or a
tuple of allowed strings.
"""

from __future__ import annotations

from typing import Any


def option_problems(options: dict, rules: dict[str, Any]) -> list[str]:
    problems = []
    for name, rule in rules.items():
        value = options.get(name)
        if value in (None, ""):
            continue
        text = str(value).strip()
        if rule == "url":
            ok, want = text.startswith(("http://", "https://")), "an http(s):// URL"
        elif rule == "id":
            ok, want = text.isdigit(), "a number (digits only)"
        elif rule in (int, float):
            try:
                ok = rule(text) >= 0
            except ValueError:
                ok = False
            want = "a whole number ≥ 0" if rule is int else "a number ≥ 0"
        else:
            ok, want = text in rule, "one of " + ", ".join(rule)
        if not ok:
            problems.append(f"option {name} must be {want} (got {value!r}): fix it with "
                            f"`channel add ... --option {name}=...` or in Settings")
    return problems


def is_whole(value: Any, minimum: int = 0) -> bool:
    """True for an integer (or digit string) ≥ ``minimum``."""
    if isinstance(value, bool):
        return False
    try:
        return int(str(value).strip()) >= minimum and float(str(value)) == int(str(value).strip())
    except ValueError:
        return False
