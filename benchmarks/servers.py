"""``make bench-servers``: the same service under each server candidate, interleaved, to choose one.

Runs "who am I" and a session write on the cache engine under gunicorn (sync and gthread), granian and
uvicorn, each with the same number of worker processes, and prints the medians of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench
import common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default=",".join(common.SERVERS))
    parser.add_argument("--engine", default="cache")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", default="10s")
    args = parser.parse_args()
    args.load = common.Load(duration=args.duration, workers=args.workers)
    args.scenarios = set()
    common.ensure_wrk()
    bench.prepare_database("sessauth_bench")
    runs: dict[str, list[dict[str, dict[str, float]]]] = {}
    for round_number in range(1, args.repeat + 1):
        print(f"round {round_number}/{args.repeat} (load average {common.load_average()})", flush=True)
        for server in args.servers.split(","):
            args.server = server
            result = bench.run_ours(args.engine, args, "sessauth_bench")
            runs.setdefault(server, []).append(result)
            print(
                f"  {server}: "
                + ", ".join(f"{k} {v['rps']:.0f}/s p99 {v['p99']:.1f}" for k, v in result.items())
            )
    print(f"\n| server ({args.workers} workers, {args.engine}) | scenario | req/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|")
    for server, rounds in runs.items():
        for scenario in rounds[0]:
            med = {m: statistics.median(r[scenario][m] for r in rounds) for m in ("rps", "p50", "p99")}
            print(f"| {server} | {scenario} | {med['rps']:,.0f} | {med['p50']:.1f} | {med['p99']:.1f} |")


if __name__ == "__main__":
    main()
