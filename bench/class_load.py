"""The class store's own throughput: answers per second and reads per second, SQLite and Redis.

    python bench/class_load.py [--threads 8] [--seconds 5]

Each thread is a student who answers the five questions over and over (one answer per student per
question, replaced each time, as a student changing their mind does); then the same threads read
the class's document as followers' polls do (`status.key`). SQLite is a file in a temporary
folder (WAL mode); Redis is a `redis-server` started on loopback with the same settings as the
tests (append-only file). Prints one row per store and operation.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RedisServer, percentile  # noqa: E402
from core.classroom import status  # noqa: E402
from core.classroom import store as stores
from core.classroom.questions import QUESTIONS  # noqa: E402
from core.classroom.redis_store import RedisStore  # noqa: E402
from core.classroom.sqlite_store import SqliteStore  # noqa: E402


def hammer(work, threads: int, seconds: float) -> tuple[int, list[float]]:
    """Run work(i, n) in `threads` threads for `seconds`; returns (calls, latencies in ms)."""
    stop = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(threads)]

    def loop(i: int) -> None:
        n = 0
        while time.monotonic() < stop:
            t = time.perf_counter()
            work(i, n)
            latencies[i].append(1000 * (time.perf_counter() - t))
            n += 1

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    flat = [x for row in latencies for x in row]
    return len(flat), flat


def measure(store: stores.Store, threads: int,
            seconds: float) -> list[tuple[str, float, float, float]]:
    code, _ = store.create()
    seats = [f"seat{i:04d}" for i in range(threads)]
    for seat in seats:
        store.join(code, seat, "")
    values = {q.id: (q.choices[0] if q.is_choice else q.low) for q in QUESTIONS}

    def answer(i: int, n: int) -> None:
        q = QUESTIONS[n % len(QUESTIONS)]
        store.answer(code, seats[i], q.id, values[q.id])

    def poll(i: int, n: int) -> None:
        status.key(store, code)

    rows = []
    for name, work in (("answers", answer), ("status polls", poll)):
        calls, ms = hammer(work, threads, seconds)
        rows.append((name, calls / seconds, percentile(ms, 50), percentile(ms, 95)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    print(f"{args.threads} threads, {args.seconds:g} s each")
    print(f"{'store':8} {'operation':14} {'per second':>11} {'p50 ms':>8} {'p95 ms':>8}")
    with tempfile.TemporaryDirectory() as folder:
        redis = RedisServer(Path(folder) / "redis")
        redis.start()
        try:
            for store in (SqliteStore(Path(folder) / "classes.sqlite3"),
                          RedisStore(redis.url)):
                for name, rate, p50, p95 in measure(store, args.threads, args.seconds):
                    print(f"{store.name:8} {name:14} {rate:11,.0f} {p50:8.2f} {p95:8.2f}")
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
