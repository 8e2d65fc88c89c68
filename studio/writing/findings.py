"""What a check reports: one finding per problem, with character offsets into the checked text.

A finding of severity ``error`` blocks approval and scheduling; ``warning`` and ``info`` are shown
as badges only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

KINDS = ("claim", "grounding", "limit", "spelling", "unicode", "injection")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem found in a text.

    ``text`` is ``checked_text[start:end]`` (for a whole-field limit, the field itself or its
    first characters); ``suggestion`` is a replacement or rewrite hint, empty when there is none.
    """

    kind: str  # "claim" | "grounding" | "limit" | "spelling" | "unicode" | "injection"
    severity: str  # "error" blocks approval, "warning", "info"
    start: int
    end: int  # character offsets in the checked text
    text: str
    rule: str
    message: str
    suggestion: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; use one of "
                             f"{', '.join(SEVERITIES)}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad offsets {self.start}..{self.end}; start must be <= end")

    def to_dict(self) -> dict:
        return asdict(self)


def blocking(findings: Iterable[Finding]) -> bool:
    """True when any finding is an error (the text may not be approved or scheduled)."""
    return any(f.severity == "error" for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in text order, errors first at the same place."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (f.start, rank[f.severity], f.end, f.kind, f.rule))
