"""Precision and recall of the claims check on a labelled set (``python -m
studio.writing.checks.claims_eval [FILE]``; default ``tests/data/claims_labelled.jsonl``).

A sentence counts as flagged when the claims check returns any finding for it (error or
warning); the label says whether a reviewer would flag it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from studio.writing.checks import claims

DEFAULT_SET = Path(__file__).resolve().parents[3] / "tests" / "data" / "claims_labelled.jsonl"


@dataclass(frozen=True)
class Score:
    lang: str
    n: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path) -> list[dict]:
    rows = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row.get("lang") not in claims.LANGS or row.get("label") not in (0, 1):
                raise ValueError(f"{path}:{i}: needs lang in {claims.LANGS} and label 0 or 1")
            rows.append(row)
    return rows


def evaluate(rows: list[dict]) -> tuple[dict[str, Score], list[dict]]:
    """Scores per language and "all", and the rows the check got wrong."""
    counts: dict[str, list[int]] = {}
    wrong = []
    for row in rows:
        flagged = bool(claims.check(row["text"], row["lang"]))
        for key in (row["lang"], "all"):
            c = counts.setdefault(key, [0, 0, 0, 0])
            c[0] += 1
            c[1] += flagged and row["label"] == 1
            c[2] += flagged and row["label"] == 0
            c[3] += (not flagged) and row["label"] == 1
        if flagged != bool(row["label"]):
            wrong.append({**row, "flagged": flagged})
    return {k: Score(k, *v) for k, v in counts.items()}, wrong


def table(scores: dict[str, Score]) -> str:
    lines = ["lang   n    tp  fp  fn  precision  recall"]
    for key in [*claims.LANGS, "all"]:
        if key in scores:
            s = scores[key]
            lines.append(f"{key:<5} {s.n:>3}  {s.tp:>3} {s.fp:>3} {s.fn:>3}  "
                         f"{s.precision:>9.3f}  {s.recall:>6.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_SET
    scores, wrong = evaluate(load(path))
    print(table(scores))
    for row in wrong:
        print(f"  {'FP' if row['flagged'] else 'FN'} [{row['lang']}] {row['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
