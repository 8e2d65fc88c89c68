"""Translation speed: service overhead, cache, memory lookups. Prints ratios against baselines
measured in the same run (no absolute thresholds).

    .venv/bin/python bench/bench_translate.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    os.environ["STUDIO_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'studio.db'}"
    from studio.catalog.service import ensure_workspace
    from studio.db.session import get_engine, migrate, session_scope
    from studio.translate import translate_texts
    from studio.translate.engines import EngineOptions, get_translator
    from studio.translate.glossary import add_term
    from studio.translate.memory import MemoryIndex
    from tests.fakes.libretranslate import LibreTranslateFake

    engine = get_engine()
    migrate(engine)
    phrases = {"trà": "tea", "mật ong": "honey", "rừng": "forest", "hộp": "box", "giá": "price"}
    lines = [f"Mật ong rừng số {i}, hộp 500 g giá {100 + i}.000đ, trà xạ đen" for i in range(200)]
    with session_scope(engine) as session:
        ws = ensure_workspace(session, "bench")
        add_term(session, ws, "xạ đen", "xa den (Celastrus hindsii)")

    twin = get_translator("inmemory", EngineOptions(twin_table=phrases))
    raw = timed(lambda: twin.translate_batch(lines, "vi", "en"))

    def service_run(texts, name="inmemory", options=None):
        def go():
            with session_scope(engine) as session:
                from studio.catalog.service import get_workspace

                translate_texts(session, get_workspace(session, "bench"), texts, "vi", "en",
                                name, options or EngineOptions(twin_table=phrases))
        return go

    runs = iter(range(10))

    def cold_run() -> None:  # new texts every run: nothing in the cache yet
        k = next(runs)
        service_run([f"{t} (lần {k})" for t in lines])()

    cold = timed(cold_run)
    warm = timed(service_run(lines))
    print(f"200 lines, in-memory twin: engine alone {raw * 1000:.1f} ms; through the service "
          f"(memory, glossary, numbers, cache write) {cold * 1000:.1f} ms = {cold / raw:.1f}x; "
          f"served from cache {warm * 1000:.1f} ms = {warm / raw:.1f}x")

    with LibreTranslateFake(phrases) as libre:
        options = EngineOptions(libre_url=libre.url)
        sample = lines[:40]
        libre_cold = timed(service_run(sample, "libre", options), repeat=1)
        libre_warm = timed(service_run(sample, "libre", options))
    print(f"40 lines over HTTP (local LibreTranslate fake): first {libre_cold * 1000:.0f} ms, "
          f"cached {libre_warm * 1000:.0f} ms: cache is {libre_cold / libre_warm:.1f}x faster")

    pairs = [(f"Sản phẩm OCOP số {i} của hợp tác xã {i % 37}", f"OCOP product {i}")
             for i in range(2000)]
    index = MemoryIndex(pairs)
    queries = [f"Sản phẩm OCOP số {i} của hợp tác xã {i % 37}!" for i in range(0, 2000, 10)]
    exact = timed(lambda: [index.exact(q) for q in queries])
    fuzzy = timed(lambda: [index.fuzzy(q) for q in queries], repeat=1)
    print(f"memory of 2,000 entries, 200 lookups: exact {exact * 1000:.1f} ms, fuzzy "
          f"{fuzzy * 1000:.0f} ms = {fuzzy / exact:.0f}x exact")


if __name__ == "__main__":
    main()
