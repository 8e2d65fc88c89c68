"""``python -m studio worker``: a queue consumer plus a sweeper.

Normal mode runs Huey's consumer (worker threads, graceful stop on SIGTERM/SIGINT) and a
sweeper thread that enqueues due posts every ``sweep_interval`` seconds. ``--burst`` processes
everything due now in this process, then exits (for cron, CI and tests).
"""

from __future__ import annotations

import logging
import threading
import time

from studio.publish.queue import Queue, get_queue

log = logging.getLogger(__name__)


def _sweeper(queue: Queue, stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            queue.sweep_now()
        except Exception as exc:  # a database hiccup must not kill the sweeper
            log.warning("sweep failed, trying again in %ss: %r", interval, exc)
        stop.wait(interval)


def run(*, workers: int = 2, sweep_interval: float = 1.0) -> None:
    """Consume until SIGTERM/SIGINT."""
    queue = get_queue()
    stop = threading.Event()
    thread = threading.Thread(target=_sweeper, args=(queue, stop, sweep_interval),
                              name="studio-sweeper", daemon=True)
    thread.start()
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread",
                                          initial_delay=0.05, backoff=1.2, max_delay=0.5,
                                          periodic=False, check_worker_health=True)
    try:
        consumer.run()
    finally:
        stop.set()


def burst(*, workers: int = 1, max_seconds: float = 600.0) -> dict:
    """Sweep and execute until nothing is due and the queue is empty (bounded by time)."""
    queue = get_queue()
    deadline = time.monotonic() + max_seconds
    totals = {"enqueued": 0, "executed": 0, "sweeps": 0}
    while time.monotonic() < deadline:
        found = queue.sweep_now()
        totals["sweeps"] += 1
        totals["enqueued"] += found["enqueued"]
        executed = _drain(queue, workers, deadline)
        totals["executed"] += executed
        if not found["enqueued"] and not executed and not found["recovered"]:
            break
    totals["timed_out"] = time.monotonic() >= deadline
    return totals


def _drain(queue: Queue, workers: int, deadline: float) -> int:
    if workers <= 1:
        return queue.drain(deadline)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda: counts.append(queue.drain(deadline)))
               for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)
