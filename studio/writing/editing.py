"""Editable views of written texts (what the writer page shows in text areas) and back.

Each text a user can edit gets one key: a listing's fields by name (list fields one item per
line), a script's segments as ``segments[i]`` (one line per line) and its questions as
``questions[i]`` ("question" line, then "answer" line).
"""

from __future__ import annotations

import copy

LIST_FIELDS = ("bullets", "tags", "hashtags")


def editable(kind: str, fields: dict) -> dict[str, str]:
    """{key: text} of every editable text of one language."""
    if kind == "script":
        out = {"title": fields.get("title", "")}
        out.update({f"segments[{i}]": "\n".join(s["lines"])
                    for i, s in enumerate(fields.get("segments", []))})
        out.update({f"questions[{i}]": f"{q['q']}\n{q['a']}"
                    for i, q in enumerate(fields.get("questions", []))})
        return out
    return {name: "\n".join(value) if isinstance(value, list) else str(value)
            for name, value in fields.items() if isinstance(value, str | list)}


def apply_edits(kind: str, fields: dict, edits: dict[str, str]) -> dict:
    """A copy of ``fields`` with the edited texts put back in their places."""
    out = copy.deepcopy(fields)
    for key, text in edits.items():
        if kind == "script" and key.startswith("segments["):
            i = int(key[9:-1])
            out["segments"][i]["lines"] = [line for line in text.splitlines() if line.strip()]
        elif kind == "script" and key.startswith("questions["):
            i = int(key[10:-1])
            q, _, a = text.partition("\n")
            out["questions"][i].update(q=q.strip(), a=a.strip())
        elif key in LIST_FIELDS:
            out[key] = [line.strip() for line in text.splitlines() if line.strip()]
        else:
            out[key] = text
    return out
