"""Benchmark of the writer checks (``python bench/bench_checks.py``).

Runs every check on a typical listing text per language and prints p50 / p95 in ms. The
baseline, measured in the same run, is a bare hunspell lookup of every word of the text (the
cost no spell check can avoid); ratios are against it. Also prints the claims precision and
recall on every labelled set.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.writing.checks import claims, grounding, injection, run_checks, spelling  # noqa: E402
from studio.writing.checks import unicode as uni  # noqa: E402
from studio.writing.checks.claims_eval import evaluate, load, table  # noqa: E402
from studio.writing.limits import check_limits  # noqa: E402

FACTS = {
    "slug": "tra-xa-den", "names": {"vi": "Trà xạ đen Ô Diên", "en": "O Dien xa den herbal tea",
                                    "fr": "Tisane de xa den d'O Dien"},
    "producer": {"name": "MD Queens", "commune": "Ô Diên", "district": "Đan Phượng",
                 "province": "Hà Nội"},
    "ocop": {"stars": 4}, "origin": "Ô Diên, Đan Phượng, Hà Nội",
    "ingredients": "Lá và thân xạ đen sấy khô 100 %", "process_steps": ["Hái lá", "Sấy lạnh"],
    "certifications": ["HACCP"], "price_vnd": 120000, "net_quantity": "20 túi lọc × 3 g",
    "usage": "Hãm 1 túi với 200 ml nước sôi trong 5 phút",
    "story": {"maker": "Chị Mai lập xưởng từ năm 2016.", "place": "Bãi ven sông Hồng."},
    "aliases": ["trà xạ đen"],
}
TEXTS = {
    "vi": "Trà xạ đen Ô Diên đạt OCOP 4 sao, chứng nhận HACCP. Lá được hái tay vào sáng sớm ở "
          "Đan Phượng, Hà Nội, thái nhỏ và sấy lạnh để giữ màu. Hộp 20 túi lọc × 3 g, giá "
          "120.000đ. Hãm một túi với 200 ml nước sôi trong 5 phút, vị chát nhẹ, hậu ngọt. "
          "Xưởng của chị Mai tạo việc làm cho phụ nữ trong xã từ năm 2016. " * 3,
    "en": "O Dien xa den herbal tea, OCOP 4 stars, HACCP certified. Leaves are picked by hand "
          "at dawn in Dan Phuong, Hanoi, cut small and cold-dried to keep their color. A box "
          "of 20 bags of 3 g costs 120,000 VND. Steep one bag in 200 ml of boiling water for "
          "5 minutes: gently astringent with a sweet finish. " * 3,
    "fr": "Tisane de xa den d'O Dien, 4 étoiles OCOP, certifiée HACCP. Les feuilles sont "
          "cueillies à la main à l'aube à Dan Phuong, Hanoï, coupées puis séchées à froid. "
          "Une boîte de 20 sachets de 3 g coûte 120 000 VND. Infuser un sachet dans 200 ml "
          "d'eau bouillante pendant 5 minutes. " * 3,
}


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main(runs: int = 30) -> int:
    print(f"writer checks, {runs} runs per row, text ~{len(TEXTS['vi'])} chars\n")
    print(f"{'lang':4} {'step':10} {'p50 ms':>8} {'p95 ms':>8} {'x baseline':>11}")
    for lang, text in TEXTS.items():
        dic = spelling.dictionary(lang)  # loading is cached; not what we measure
        words = text.split()
        base = timed(lambda d=dic, w=words: [d.lookup(x.strip(".,:")) for x in w], runs)
        b50 = statistics.median(base)
        rows = {
            "baseline": base,
            "claims": timed(lambda t=text, lg=lang: claims.check(t, lg, FACTS), runs),
            "grounding": timed(lambda t=text, lg=lang: grounding.check(t, lg, FACTS), runs),
            "spelling": timed(lambda t=text, lg=lang: spelling.check(t, lg), runs),
            "unicode": timed(lambda t=text, lg=lang: uni.check(t, lg, FACTS), runs),
            "injection": timed(lambda t=text: injection.check(t), runs),
            "limits": timed(lambda t=text: check_limits({"description": t}, "shopee"), runs),
            "run_checks": timed(lambda t=text, lg=lang: run_checks(
                t, lg, facts=FACTS, channel="shopee", field="description"), runs),
        }
        for name, values in rows.items():
            med = statistics.median(values)
            print(f"{lang:4} {name:10} {med:8.2f} {p95(values):8.2f} {med / b50:11.2f}")
    for path in sorted((ROOT / "tests" / "data").glob("claims_*.jsonl")):
        name = path.stem
        scores, _ = evaluate(load(path))
        print(f"\nclaims precision / recall, {name}:\n{table(scores)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
