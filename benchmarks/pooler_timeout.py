"""What the statement timeout costs behind PgBouncer, per request, for each way of setting it.

The service behind a pooler in transaction mode cannot send the timeout when it connects. Two ways
keep every statement bounded: the role (or database) carries it (``ALTER ROLE ... SET``), checked once
per new connection (``api_project/db/base.py``), or each statement runs in a transaction that starts
with ``SET LOCAL statement_timeout``. This times, through a real PgBouncer in transaction mode on the
tests' PostgreSQL, a one-row read by primary key (the shape of the auth check's read) done each way,
and the role's check on connecting. Rounds are interleaved; the median round is reported.

    .venv/bin/python benchmarks/pooler_timeout.py [--reads 2000] [--rounds 5]

It prints a Markdown section for benchmarks/RESULTS.md and writes it to var/bench/pooler-timeout.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api_project.db.base import STATEMENT_TIMEOUT_SQL  # noqa: E402
from tests.support.pgbouncer import PgBouncer, set_statement_timeout  # noqa: E402
from tests.support.services import POSTGRES_URL, postgres_admin, unique_name  # noqa: E402

TIMEOUT_MS = 5000
READ = "SELECT v FROM t WHERE k = %s"


def plain_reads(conn: psycopg.Connection, reads: int) -> None:
    """What the service does with the timeout on the role: the read alone, in autocommit."""
    conn.autocommit = True
    for i in range(reads):
        conn.execute(READ, [f"k{i % 1000}"]).fetchone()


def set_local_reads(conn: psycopg.Connection, reads: int) -> None:
    """The read in a transaction of its own that first sets the timeout (BEGIN, SET LOCAL, read, COMMIT)."""
    conn.autocommit = False
    for i in range(reads):
        conn.execute(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
        conn.execute(READ, [f"k{i % 1000}"]).fetchone()
        conn.commit()


def set_local_pipelined_reads(conn: psycopg.Connection, reads: int) -> None:
    """The same four statements in one round trip (psycopg's pipeline mode; Django has none)."""
    conn.autocommit = False
    for i in range(reads):
        with conn.pipeline():
            conn.execute(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
            cursor = conn.execute(READ, [f"k{i % 1000}"])
            conn.commit()
        cursor.fetchone()


def timed_per_read(run: Callable[[psycopg.Connection, int], None], url: str, reads: int) -> float:
    """Return microseconds per read of ``run`` on a fresh connection."""
    with psycopg.connect(url, prepare_threshold=None) as conn:
        run(conn, 50)  # warm up
        start = time.perf_counter()
        run(conn, reads)
        return (time.perf_counter() - start) / reads * 1e6


def timed_connect(url: str, connections: int, check: bool) -> float:
    """Return microseconds per new connection through PgBouncer, with or without the role's check."""
    start = time.perf_counter()
    for _ in range(connections):
        with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
            if check:
                conn.execute(STATEMENT_TIMEOUT_SQL).fetchone()
    return (time.perf_counter() - start) / connections * 1e6


def measure(url: str, reads: int, rounds: int) -> dict[str, float]:
    ways: dict[str, Callable[[], float]] = {
        "read alone (timeout on the role)": lambda: timed_per_read(plain_reads, url, reads),
        "SET LOCAL, then the read, in a transaction": lambda: timed_per_read(set_local_reads, url, reads),
        "the same, pipelined": lambda: timed_per_read(set_local_pipelined_reads, url, reads),
        "new connection": lambda: timed_connect(url, reads // 10, check=False),
        "new connection + the role's check": lambda: timed_connect(url, reads // 10, check=True),
    }
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, way in ways.items():
            samples[name].append(way())
    return {name: statistics.median(values) for name, values in samples.items()}


def report(results: dict[str, float], reads: int, rounds: int) -> str:
    read_alone = results["read alone (timeout on the role)"]
    connect = results["new connection"]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        f"## benchmarks/pooler_timeout.py, {when} ({platform.node()}, {os.cpu_count()} CPUs, load {load})",
        "",
        f"Through PgBouncer 1.18 in transaction mode on the tests' PostgreSQL; {reads} reads per round"
        f" ({reads // 10} connections), median of {rounds} interleaved rounds:",
        "",
        "| way | µs each | cost of the timeout |",
        "|---|---:|---:|",
    ]
    bases = {"read alone (timeout on the role)", "new connection"}
    for name, micros in results.items():
        base = connect if name.startswith("new connection") else read_alone
        extra = "" if name in bases else f"{micros - base:+.0f} µs ({micros / base:.2f}x)"
        lines.append(f"| {name} | {micros:.0f} | {extra} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    name = unique_name("sessauth_bench")
    postgres_admin(f'CREATE DATABASE "{name}"')
    direct = POSTGRES_URL.replace("postgres://", "postgresql://").rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(direct, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (k text PRIMARY KEY, v text)")
            conn.execute("INSERT INTO t SELECT 'k' || i, md5(i::text) FROM generate_series(0, 999) i")
        set_statement_timeout(direct, TIMEOUT_MS)
        with tempfile.TemporaryDirectory() as workdir:
            bouncer = PgBouncer(Path(workdir))
            try:
                text = report(measure(bouncer.url(direct), args.reads, args.rounds), args.reads, args.rounds)
            finally:
                bouncer.stop()
    finally:
        postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "var" / "bench" / "pooler-timeout.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
