"""Writer benchmark: offline composer latency and a 1,000-product bulk listing export.

Run: ``.venv/bin/python bench/bench_writing.py [--products 1000] [--repeat 200]``.
Baselines are measured in the same run: plain f-string formatting of the same facts (what the
composer does minus phrase banks, slot rules and limit fitting), and the same export with the
checks off. Goals: every kind for one product p95 < 100 ms; 1,000-product export < 60 s.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def demo_sheets() -> list[dict]:
    """The demo catalog's fact sheets, from a throwaway database."""
    root = tempfile.mkdtemp(prefix="bench_writing_")
    os.environ["STUDIO_DATA_DIR"] = root
    os.environ["DATABASE_URL"] = f"sqlite:///{root}/studio.db"
    from studio.catalog.factsheet import facts
    from studio.catalog.service import get_workspace, list_products
    from studio.db.session import migrate, session_scope
    from studio.demo import load_demo

    migrate()
    load_demo()
    with session_scope() as session:
        return [facts(p) for p in list_products(session, get_workspace(session, "demo"))]


def baseline_all_kinds(f: dict) -> dict:
    """Plain string formatting of the same facts (no banks, no rules, no fitting)."""
    name, prod = f["names"]["vi"], f["producer"]["name"]
    story = (f"{name} là sản phẩm của {prod}. {f['story']['maker'] or ''} "
             f"{f['story']['process'] or ''} Giá {f['price_vnd']} đ.")
    return {"story": {"long": story * 3, "short": story},
            "listing": {"title": f"{name} – {prod}"[:120], "description": story[:3000]},
            "script": [f"[SHOW] {name}", f"Giá {f['price_vnd']} đ", story],
            "caption": f"{name} #OCOP"}


def composer_all_kinds(f: dict, lang: str) -> dict:
    from studio.writing import Request, get_engine

    eng = get_engine("offline")
    return {kind: eng.write(Request(kind, lang, (f,), "shopee" if kind == "listing" else None,
                                    30)).fields
            for kind in ("story", "listing", "script", "caption")}


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def many(sheets: list[dict], n: int) -> list[dict]:
    out = []
    for i in range(n):
        s = copy.deepcopy(sheets[i % len(sheets)])
        s["slug"] = f"{s['slug']}-{i}"
        s["price_vnd"] = (s["price_vnd"] or 10000) + i * 1000
        out.append(s)
    return out


def baseline_csv(sheets: list[dict]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    for s in sheets:
        w.writerow([s["slug"], "shopee", "vi", f"{s['names']['vi']} – {s['producer']['name']}",
                    f"{s['names']['vi']}. {s['story']['maker'] or ''} {s['usage'] or ''}"])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    from studio.writing.service import bulk_listings, check_texts, listings_csv

    sheets = demo_sheets()
    sheet = next(s for s in sheets if s["slug"] == "tra-xa-den")
    print(f"== offline composer, every kind for one product ({args.repeat} runs each) ==")
    base = timed(lambda: baseline_all_kinds(sheet), args.repeat)
    for lang in ("vi", "en", "fr"):
        composer_all_kinds(sheet, lang)  # warm the phrase-bank cache
        runs = timed(lambda lang=lang: composer_all_kinds(sheet, lang), args.repeat)
        print(f"{lang}: composer p50 {statistics.median(runs) * 1000:7.2f} ms  "
              f"p95 {p95(runs) * 1000:7.2f} ms  (goal < 100 ms: "
              f"{'ok' if p95(runs) < 0.1 else 'MISSED'})  | baseline f-strings p95 "
              f"{p95(base) * 1000:6.3f} ms  ratio x{p95(runs) / p95(base):,.0f}")
    texts = composer_all_kinds(sheet, "vi")
    for kind in texts:  # warm the dictionaries once
        check_texts(kind, texts[kind], "vi", (sheet,), "shopee" if kind == "listing" else None)
    checked = timed(lambda: [check_texts(k, v, "vi", (sheet,), "shopee" if k == "listing"
                                         else None) for k, v in
                             composer_all_kinds(sheet, "vi").items()], max(10,
                                                                           args.repeat // 10))
    print(f"vi with checks: p95 {p95(checked) * 1000:7.2f} ms "
          f"(x{p95(checked) / p95(base):,.0f} baseline)")

    print(f"\n== bulk listing export: {args.products} products × shopee × vi ==")
    big = many(sheets, args.products)
    t = time.perf_counter()
    baseline_csv(big)
    t_base = time.perf_counter() - t
    t = time.perf_counter()
    listings_csv(bulk_listings(big, ["shopee"], ["vi"], checks=False))
    t_off = time.perf_counter() - t
    t = time.perf_counter()
    rows = bulk_listings(big, ["shopee"], ["vi"], checks=True)
    listings_csv(rows)
    t_on = time.perf_counter() - t
    errors = sum(1 for r in rows for f in r["findings"] if f["severity"] == "error")
    print(f"baseline f-string CSV   {t_base:8.3f} s")
    print(f"composer, checks off    {t_off:8.3f} s  (x{t_off / t_base:,.0f} baseline)")
    print(f"composer + checks       {t_on:8.3f} s  (x{t_on / t_off:,.1f} checks off; goal < 60 s:"
          f" {'ok' if t_on < 60 else 'MISSED'}); {errors} blocking findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
