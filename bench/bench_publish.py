"""Publishing benchmark: N posts (default 10,000) due within the same minute, Webhook channel
against a local receiver (loopback), delivered by `python -m studio worker` processes.

Run 1 (baseline): SQLite + SqliteHuey, 1 consumer. Run 2: PostgreSQL + Redis, 4 consumers.
Each run checks every post was delivered exactly once and reports throughput and lateness
(receiver arrival time minus the post's due time; goal p99 ≤ 5 s). Bounded in time.

    .venv/bin/python bench/bench_publish.py            # BENCH_POSTS=2000 for a quick run
"""

from __future__ import annotations

import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from studio.db.session import make_engine, migrate, session_scope  # noqa: E402
from tests.fakes.webhook_receiver import Receiver  # noqa: E402

POSTS = int(os.environ.get("BENCH_POSTS", "10000"))
PG_URL = os.environ.get("TEST_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT_S = float(os.environ.get("BENCH_LIMIT_S", "420"))
WINDOW_S = float(os.environ.get("BENCH_WINDOW_S", "60"))  # due times spread over one minute
#: 0 puts every post due at the same instant: the throughput is then the drain rate.
THREADS = int(os.environ.get("BENCH_THREADS", "2"))  # worker threads per consumer process
LEAD_S = 8.0  # the first post is due this long after setup (workers start meanwhile)
RUNS = os.environ.get("BENCH_RUNS", "sqlite,pg").split(",")  # which runs (both by default)
TICK = os.sysconf("SC_CLK_TCK")
APP_NAME = f"bench_publish_{os.getpid()}"  # finds this run's PostgreSQL backends


def _seed(engine, receiver: Receiver, count: int) -> list[datetime]:
    from studio.catalog.service import ensure_workspace
    from studio.publish.accounts import add_account
    from studio.publish.models import Post, PostTarget

    with session_scope(engine) as session:
        ws = ensure_workspace(session, "bench", "Bench")
        account = add_account(session, ws, "webhook", "Bench hook",
                              {"url": receiver.url + "/hook", "secret": receiver.secret})
        ws_id, account_id = ws.id, account.id
    start = datetime.now(UTC) + timedelta(seconds=LEAD_S)
    dues = [start + timedelta(seconds=WINDOW_S * i / count) for i in range(count)]
    with engine.begin() as conn:
        ids = conn.execute(insert(Post).returning(Post.id, sort_by_parameter_order=True), [
            {"workspace_id": ws_id, "texts": {"vi": f"Bài số {i}"}, "lang": "vi",
             "status": "scheduled", "scheduled_at": due} for i, due in enumerate(dues)
        ]).scalars().all()
        conn.execute(insert(PostTarget), [
            {"workspace_id": ws_id, "post_id": pid, "account_id": account_id,
             "status": "scheduled", "due_at": due, "idempotency_key": uuid.uuid4().hex}
            for pid, due in zip(ids, dues, strict=True)])
    return dues


def _published(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM post_targets WHERE status = 'published'"))


def _lateness(engine, receiver: Receiver) -> list[float]:
    with engine.connect() as conn:
        due = dict(conn.execute(text("SELECT idempotency_key, due_at FROM post_targets")).all())
    out = []
    for key, arrived in receiver.arrivals.items():
        when = due[key]
        when = datetime.fromisoformat(when) if isinstance(when, str) else when
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        out.append(arrived - when.timestamp())
    return sorted(out)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (Linux /proc), NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICK


def _servers_cpu_s(engine, queue_url: str) -> float:
    """CPU seconds so far of this run's PostgreSQL backends (by application_name) and of the
    Redis server (shared with anything else using it); 0 for SQLite."""
    total = 0.0
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            pids = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE application_name "
                                     "= :name"), {"name": APP_NAME}).all()
        total += sum(_cpu_s(pid) for pid in pids)
    if queue_url:
        import redis

        info = redis.Redis.from_url(queue_url).info("cpu")
        total += info["used_cpu_user"] + info["used_cpu_sys"]
    return total


def _self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(label: str, db_url: str, queue_url: str, consumers: int, threads: int) -> dict:
    data = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    env = dict(os.environ, STUDIO_DATA_DIR=str(data), DATABASE_URL=db_url,
               STUDIO_QUEUE_NAME=f"bench-{uuid.uuid4().hex[:8]}", PYTHONPATH=str(ROOT))
    env.pop("STUDIO_QUEUE_URL", None)
    if queue_url:
        env["STUDIO_QUEUE_URL"] = queue_url
    os.environ.update({k: env[k] for k in ("STUDIO_DATA_DIR", "DATABASE_URL")})
    engine = make_engine(db_url)
    migrate(engine)
    with Receiver() as receiver:
        dues = _seed(engine, receiver, POSTS)
        own_cpu = _self_cpu_s()  # the receiver runs in this process
        server_cpu = _servers_cpu_s(engine, queue_url)
        cmd = [sys.executable, "-m", "studio", "worker", "--workers", str(threads),
               "--sweep-interval", "0.5"]
        procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(consumers)]
        deadline = time.monotonic() + LIMIT_S
        startup_cpu = float("nan")
        try:
            while time.monotonic() < deadline and _published(engine) < POSTS:
                if startup_cpu != startup_cpu and time.time() >= dues[0].timestamp():
                    startup_cpu = sum(_cpu_s(proc.pid) for proc in procs)  # imports, idle
                time.sleep(0.5)
        finally:
            worker_cpu = sum(_cpu_s(proc.pid) for proc in procs)
            server_cpu = _servers_cpu_s(engine, queue_url) - server_cpu
            own_cpu = _self_cpu_s() - own_cpu
            for proc in procs:
                proc.send_signal(signal.SIGINT)
            for proc in procs:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        late = _lateness(engine, receiver)
        published = _published(engine)
        duplicates = len(receiver.duplicates())
        delivered = len(receiver.deliveries)
    if queue_url:
        from studio.publish.queue import make_huey

        make_huey(queue_url, env["STUDIO_QUEUE_NAME"], data).flush()
    engine.dispose()
    span = (max(receiver.arrivals.values()) - dues[0].timestamp()) if late else float("nan")
    return {"label": label, "posts": POSTS, "delivered": delivered, "published": published,
            "duplicates": duplicates, "throughput": delivered / span if span else 0.0,
            "p50": statistics.median(late) if late else float("nan"),
            "p99": late[int(0.99 * (len(late) - 1))] if late else float("nan"),
            "max": late[-1] if late else float("nan"),
            "cpu_ms": 1000 * worker_cpu / POSTS, "receiver_ms": 1000 * own_cpu / POSTS,
            "steady_ms": 1000 * (worker_cpu - startup_cpu) / POSTS,
            "server_ms": 1000 * server_cpu / POSTS}


def _pg_schema_url() -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    base = make_engine(PG_URL)
    with base.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    base.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return schema, f"{PG_URL}{sep}options=-csearch_path%3D{schema}&application_name={APP_NAME}"


def main() -> int:
    cap = (f"throughput is capped by the arrival rate, {POSTS / WINDOW_S:.0f}/s" if WINDOW_S
           else "all due at once: throughput is the drain rate")
    print(f"bench_publish: {POSTS} posts due within {WINDOW_S:.0f} s, webhook on loopback ({cap})")
    results = []
    if "sqlite" in RUNS:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run("SQLite + SqliteHuey, 1 consumer", f"sqlite:///{tmp}/bench.db",
                               "", consumers=1, threads=THREADS))
    if "pg" in RUNS:
        schema, url = _pg_schema_url()
        try:
            results.append(run("PostgreSQL + Redis, 4 consumers", url, REDIS_URL, consumers=4,
                               threads=THREADS))
        finally:
            engine = make_engine(PG_URL)
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
    ok = True
    for r in results:
        exact = r["delivered"] == r["posts"] == r["published"] and r["duplicates"] == 0
        ok &= exact
        print(f"  {r['label']:<34} delivered {r['delivered']}/{r['posts']} "
              f"duplicates {r['duplicates']}  exactly-once {'yes' if exact else 'NO'}  "
              f"throughput {r['throughput']:.0f}/s  lateness p50 {r['p50']:.2f} s "
              f"p99 {r['p99']:.2f} s max {r['max']:.2f} s "
              f"(goal p99 ≤ 5 s: {'met' if r['p99'] <= 5 else 'missed'})")
        print(f"  {'':<34} CPU per post: workers {r['cpu_ms']:.2f} ms ({r['steady_ms']:.2f} ms "
              f"after start-up), receiver {r['receiver_ms']:.2f} ms, PostgreSQL backends + "
              f"Redis {r['server_ms']:.2f} ms")
    if len(results) == 2:
        base, fast = results
        print(f"  ratio PostgreSQL+Redis×4 / SQLite×1: throughput "
              f"{fast['throughput'] / max(base['throughput'], 1e-9):.2f}×, p99 lateness "
              f"{fast['p99'] / max(base['p99'], 1e-9):.2f}×, worker CPU per post "
              f"{fast['cpu_ms'] / max(base['cpu_ms'], 1e-9):.2f}×")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
