"""``make bench-scale``: "who am I" and a user's session list with 100 sessions stored, and with 1,000,000.

Two stores side by side: a small one holding the measured user's 100 sessions and nothing else, and a
large one holding the same user's 100 among 1,000,000 sessions of 10,000 users (seeded past the API by
``seed.py``: COPY into PostgreSQL, pipelines into Redis). Each round measures both, interleaved (in
alternating order), per engine; the report gives large / small for each figure (the target: at least
0.95) twice: as the ratio of the two medians, and as the median of each round's own ratio, whose two
measurements ran back to back (this machine drifts by more than 5% over a run; a round's pair shares
its moment), with the range of those ratios beside it. Both databases and every Redis key written are
removed at the end. Results: var/bench/scale.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

STORES = {  # name: (database, Redis URL, users, sessions per user)
    "100 sessions": ("sessauth_scale_small", "redis://127.0.0.1:6379/5", 0, 0),
    "1,000,000 sessions": ("sessauth_scale_large", "redis://127.0.0.1:6379/4", 9_999, 100),
}
PREFIX = "benchscale"


def prepare(database: str, redis_url: str, users: int, per_user: int) -> None:
    common.pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    common.pg_admin(f'CREATE DATABASE "{database}"')
    env = common.service_env("db", database, PREFIX, REDIS_URL=redis_url)
    common.manage(env, "migrate", "--noinput", "-v0")
    code = "from django.contrib.auth import get_user_model\n"
    code += f"get_user_model().objects.create_user({common.USERNAME!r}, password={common.PASSWORD!r})"
    common.manage(env, "shell", "-c", code)
    seed = [str(common.VENV_BIN / "python"), "benchmarks/seed.py", str(users), str(per_user)]
    seed += ["--owner", common.USERNAME, "--owner-sessions", "99"]  # + the login = 100
    done = subprocess.run(seed, cwd=common.ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    print(f"  {database}: {done.stdout.strip()}", flush=True)


def measure(
    engine: str, database: str, redis_url: str, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    env = common.service_env(engine, database, PREFIX, REDIS_URL=redis_url)
    with common.Server(
        common.server_command(args.server, args.workers), env, common.ROOT, probe="/api/v1/health"
    ) as server:
        base, headers = f"http://127.0.0.1:{server.port}", common.login_ours(server.port)
        count = len(
            json.loads(common.request("GET", server.port, "/api/v1/sessions", headers=headers)[3])["sessions"]
        )
        if count != 100:
            raise RuntimeError(f"the measured user has {count} sessions, not 100")
        result = {
            "whoami": common.wrk(args.load, f"{base}/api/v1/auth/session", headers=headers),
            "sessions": common.wrk(args.load, f"{base}/api/v1/sessions", headers=headers),
        }
        common.request("POST", server.port, "/api/v1/auth/logout", headers=headers)  # back to 99
        return result


def cleanup() -> None:
    for database, redis_url, *_ in STORES.values():
        common.pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        import redis

        client = redis.Redis.from_url(redis_url)
        batch = []
        for key in client.scan_iter(match=f"{PREFIX}:*", count=10_000):
            batch.append(key)
            if len(batch) >= 10_000:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="cache,db")
    parser.add_argument("--repeat", type=int, default=4, help="rounds, in alternating order")
    parser.add_argument("--server", default="granian", choices=sorted(common.SERVERS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", default="10s")
    parser.add_argument(
        "--users", type=int, default=9_999, help="users besides the measured one (large store)"
    )
    args = parser.parse_args()
    args.load = common.Load(duration=args.duration, workers=args.workers)
    common.ensure_wrk()
    (common.ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        print("seeding", flush=True)
        for database, redis_url, users, per_user in STORES.values():
            prepare(database, redis_url, args.users if users else 0, per_user)
        runs: dict[str, list[dict[str, Any]]] = {}
        for round_number in range(1, args.repeat + 1):
            print(f"round {round_number}/{args.repeat} (load average {common.load_average()})", flush=True)
            for engine in args.engines.split(","):
                order = list(STORES.items())
                for name, (database, redis_url, *_) in order if round_number % 2 else order[::-1]:
                    result = measure(engine, database, redis_url, args)
                    runs.setdefault(f"{engine}, {name}", []).append(result)
                    line = "; ".join(f"{k} {v['rps']:.0f}/s p99 {v['p99']:.1f}" for k, v in result.items())
                    print(f"  {engine}, {name}: {line}", flush=True)
    finally:
        cleanup()
    report(runs, args, time.monotonic() - started)


def report(runs: dict[str, list[dict[str, Any]]], args: argparse.Namespace, seconds: float) -> None:
    medians = {
        label: {
            s: {m: statistics.median(r[s].get(m, 0.0) for r in rounds) for m in ("rps", "cpu_us")}
            for s in rounds[0]
        }
        for label, rounds in runs.items()
    }
    out = common.ROOT / "var" / "bench" / "scale.json"
    out.write_text(json.dumps({"medians": medians, "rounds": runs}, indent=1))
    heading = (
        f"make bench-scale — {args.server}, {args.workers} workers, wrk 16 connections, {args.duration}, "
        f"medians of {args.repeat} interleaved rounds ({seconds / 60:.0f} min in all)"
    )
    print(f"\n{heading}\n\n{table(medians, runs, args.engines.split(','))}\n\nresults: {out}")


def table(
    medians: dict[str, dict[str, dict[str, float]]], runs: dict[str, list[dict[str, Any]]], engines: list[str]
) -> str:
    """Return large / small per engine and scenario, in req/s and in server CPU per request."""
    small, large = list(STORES)
    lines = [
        f"| engine | scenario | req/s, {small} | req/s, {large} | ratio of medians | "
        "median of round ratios (range) | "
        f"CPU µs/req, {small} | CPU µs/req, {large} | ratio (small / large) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine in engines:
        for scenario, title in (("whoami", "GET /auth/session"), ("sessions", "GET /sessions (100 entries)")):
            a, b = medians[f"{engine}, {small}"][scenario], medians[f"{engine}, {large}"][scenario]
            paired = round_ratios(runs[f"{engine}, {small}"], runs[f"{engine}, {large}"], scenario)
            rps = f"{a['rps']:,.0f} | {b['rps']:,.0f} | {b['rps'] / a['rps']:.2f}"
            rps += f" | {statistics.median(paired):.2f} ({min(paired):.2f} to {max(paired):.2f})"
            cpu_ratio = f"{a['cpu_us'] / b['cpu_us']:.2f}" if b["cpu_us"] else ""
            cpu = f"{a['cpu_us']:,.0f} | {b['cpu_us']:,.0f} | {cpu_ratio}"
            lines.append(f"| {engine} | {title} | {rps} | {cpu} |")
    return "\n".join(lines)


def round_ratios(small: list[dict[str, Any]], large: list[dict[str, Any]], scenario: str) -> list[float]:
    """Return large / small in req/s for each round: the two measurements of a round ran back to back."""
    return [b[scenario]["rps"] / a[scenario]["rps"] for a, b in zip(small, large, strict=True)]


if __name__ == "__main__":
    main()
