"""``make bench``: the service and stock Django + DRF side by side, interleaved, on PostgreSQL + Redis.

Each round starts every configuration in turn (the raw WSGI + Redis limit, stock Django on each engine,
the service on each engine, and ``cache`` on a Redis Cluster of ours beside the one Redis), drives it
with wrk and stops it; the report gives the median of the rounds
for each figure and the ratios the performance targets are stated in. The login floods (16 connections
of Argon2 hashes, which leave a 2-core machine loaded for a while) run in rounds of their own after
every request round, so that no request round starts in their wake. Other processes on the machine
move absolute figures; ratios from one interleaved run move far less. Results: var/bench/results.json,
and a section of its own at the end of benchmarks/RESULTS.md (``--no-record`` leaves it alone).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common
import report

sys.path.insert(1, str(common.ROOT))
from tests.support.topologies import RedisClusterNodes  # the tests' own 6-node cluster on free ports

OURS_ENGINES = ["cache", "db", "cached_db", "file", "signed_cookies"]
STOCK_ENGINES = ["cache", "db"]  # the engines the targets compare with (both on PostgreSQL)
DATA_KEY = "k"
THROTTLED_USER = "bench-throttled"


def prepare_database(name: str, root: Path = common.ROOT) -> None:
    """Create a fresh database, migrate it by the code in ``root``, and add the benchmark users."""
    common.pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    common.pg_admin(f'CREATE DATABASE "{name}"')
    env = common.service_env("db", name, "benchprep")
    common.manage(env, "migrate", "--noinput", "-v0", root=root)
    common.manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "U = get_user_model()\n"
        f"U.objects.create_user({common.USERNAME!r}, password={common.PASSWORD!r})\n"
        f"U.objects.create_user({THROTTLED_USER!r}, password={common.PASSWORD!r})\n",
        root=root,
    )


@dataclass
class Base:
    """An earlier commit of the service, run beside the working tree in the same rounds."""

    label: str  # "ours@<short sha>"
    root: Path  # its worktree, under var/
    database: str


def prepare_base(commit: str) -> Base:
    """Check the commit out in a worktree of its own (kept for the next run) and give it a database.

    It runs in this venv: a commit that needs other packages than the working tree's cannot be compared.
    """
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{commit}^{{commit}}"],
        cwd=common.ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    root = common.ROOT / "var" / "bench-base" / sha[:12]
    if not root.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(root), sha], cwd=common.ROOT, check=True)
    base = Base(f"ours@{sha[:8]}", root, f"sessauth_bench_{sha[:8]}")
    prepare_database(base.database, root)
    return base


HASH_LOOP = (
    "import sys, time\n"
    "from django.contrib.auth.hashers import check_password, make_password\n"
    "encoded = make_password('bench-pass-123')\n"
    "for _ in sys.stdin:\n"
    "    started = time.perf_counter()\n"
    "    check_password('bench-pass-123', encoded)\n"
    "    print((time.perf_counter() - started) * 1000, flush=True)\n"
)


class Hasher:
    """A process that checks one password by the configured hasher per line it reads and prints the ms."""

    def __init__(self, env: dict[str, str]) -> None:
        command = [str(common.VENV_BIN / "python"), "manage.py", "shell", "--no-imports", "-c", HASH_LOOP]
        self.process = subprocess.Popen(
            command, cwd=common.ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.ask, self.answer = self.process.stdin, self.process.stdout

    def time_one(self) -> float:
        if self.ask is None or self.answer is None:
            raise RuntimeError("the hasher's pipes are closed")
        self.ask.write("\n")
        self.ask.flush()
        return float(self.answer.readline())

    def __enter__(self) -> Hasher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


def one_hash_ms(env: dict[str, str]) -> float:
    """Return the median time of one password check by the configured hasher, in ms (in-process)."""
    with Hasher(env) as hasher:
        return statistics.median(hasher.time_one() for _ in range(9))


TOPOLOGY_SCENARIOS = ("whoami", "put")  # what the cluster is compared with one Redis on


def run_ours(
    engine: str,
    args: argparse.Namespace,
    database: str,
    redis_env: dict[str, str] | None = None,
    scenarios: tuple[str, ...] = ("whoami", "data-get", "put", "sessions"),
    root: Path = common.ROOT,
) -> dict[str, dict[str, Any]]:
    prefix = f"bench{int(time.time())}"
    env = common.service_env(engine, database, prefix, **(redis_env or {}))
    command = common.server_command(args.server, args.workers)
    results: dict[str, dict[str, Any]] = {}
    with common.Server(command, env, root, probe="/api/v1/health") as server:
        port, base = server.port, f"http://127.0.0.1:{server.port}"
        headers = common.login_ours(port)
        # The list then holds this one session, in every run: each login flood leaves hundreds behind.
        status, *_ = common.request("POST", port, "/api/v1/sessions/revoke-others", None, headers)
        if status != 200:
            raise RuntimeError(f"revoke-others answered {status}")
        data_url = f"{base}/api/v1/session/data/{DATA_KEY}"
        _, _, cookies, _ = common.request(
            "PUT", port, f"/api/v1/session/data/{DATA_KEY}", {"value": "v"}, headers
        )
        if "sessionid" in cookies:  # signed_cookies: the data is in the cookie, so the reads need the new one
            sid, csrf = cookies["sessionid"].value, headers["X-CSRFToken"]
            headers = {**headers, "Cookie": f"sessionid={sid}; csrftoken={csrf}"}
        load = args.load
        urls = {
            "whoami": (f"{base}/api/v1/auth/session", "GET", ""),
            "data-get": (data_url, "GET", ""),
            "put": (data_url, "PUT", '{"value": "v"}'),
            "sessions": (f"{base}/api/v1/sessions", "GET", ""),
        }
        for scenario in scenarios:
            url, method, body = urls[scenario]
            results[scenario] = common.wrk(load, url, method, body, headers)
    return results


def run_ours_logins(engine: str, args: argparse.Namespace, database: str) -> dict[str, dict[str, Any]]:
    env = common.service_env(engine, database, f"bench{int(time.time())}")
    command = common.server_command(args.server, args.workers)
    with common.Server(command, env, common.ROOT, probe="/api/v1/health") as server:
        return _logins_ours(server.port, f"http://127.0.0.1:{server.port}", args.load, args, env)


def _logins_ours(
    port: int, base: str, load: common.Load, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """One login's latency next to one hash's, logins/s under load, and refused attempts/s."""
    header_login = {"username": common.USERNAME, "password": common.PASSWORD, "transport": "header"}
    proxy = common.proxy_headers(port)
    # One at a time first, on an idle server: after the flood its queue would still be draining.
    results = _login_and_hash(port, header_login, proxy, args.login_n, env)
    results["login"] = common.wrk(load, f"{base}/api/v1/auth/login", "POST", json.dumps(header_login), proxy)
    wrong = {"username": THROTTLED_USER, "password": "wrong", "transport": "header"}
    for _ in range(12):  # past LOGIN_FAILURES_PER_USERNAME (10): from here on every attempt is refused
        status, *_ = common.request("POST", port, "/api/v1/auth/login", wrong, proxy)
    if status != 429:
        raise RuntimeError(f"the throttled login answered {status}, not 429")
    results["login-throttled"] = common.wrk(
        load, f"{base}/api/v1/auth/login", "POST", json.dumps(wrong), proxy
    )
    return results


def _login_and_hash(
    port: int, body: dict[str, Any], headers: dict[str, str], count: int, env: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Time logins one at a time on an idle server, each next to one password check by the hasher.

    Alternating the two, in a process of the service's own settings, exposes both to the same moment
    of the machine: a hash here moves by 5-10% from one minute to the next with what else runs.
    """
    hashes: list[float] = []
    with Hasher(env) as hasher:
        hasher.time_one()  # untimed: the first check also loads the hasher

        def one_hash() -> None:
            hashes.append(hasher.time_one())

        login1 = common.sequential_logins(port, "/api/v1/auth/login", body, headers, count, one_hash)
    return {"login1": login1, "hash": common.timings(hashes)}


def run_stock(
    engine: str, args: argparse.Namespace, conn_max_age: int = 60, logins: bool = False
) -> dict[str, dict[str, Any]]:
    env = {
        "BENCH_SESSION_ENGINE": engine,
        "BENCH_DB": "postgres",
        "BENCH_CONN_MAX_AGE": str(conn_max_age),
        "PATH": "/usr/bin:/bin",
    }
    command = common.server_command(args.server, args.workers, venv_bin=common.STOCK_VENV / "bin")
    command = [part.replace("api_project.wsgi", "benchproj.wsgi") for part in command]
    results: dict[str, dict[str, Any]] = {}
    with common.Server(command, env, common.SHARED_BENCH / "baseline", probe="/bare/") as server:
        base, load = f"http://127.0.0.1:{server.port}", args.load
        if logins:
            body = {"username": common.USERNAME, "password": common.PASSWORD}
            results["login1"] = common.sequential_logins(server.port, "/login/", body, {}, args.login_n)
            results["login"] = common.wrk(load, f"{base}/login/", "POST", json.dumps(body))
            return results
        headers = common.login_stock(server.port)
        results["whoami"] = common.wrk(load, f"{base}/whoami/", headers=headers)
        if conn_max_age == 0:
            return results
        results["put"] = common.wrk(load, f"{base}/data/{DATA_KEY}/", "PUT", '{"value": "v"}', headers)
    return results


def run_raw(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    command = common.server_command(args.server, args.workers, venv_bin=common.STOCK_VENV / "bin")
    command = [part.replace("api_project.wsgi", "raw_wsgi") for part in command]
    env = {"PATH": "/usr/bin:/bin"}
    with common.Server(command, env, common.SHARED_BENCH, probe="/") as server:
        return {"raw": common.wrk(args.load, f"http://127.0.0.1:{server.port}/")}


def ensure_stock(args: argparse.Namespace) -> bool:
    """Return whether the stock baseline can run, setting it up once if its venv is missing."""
    if not (common.SHARED_BENCH / "baseline").is_dir():
        print(f"no stock baseline at {common.SHARED_BENCH}: measuring the service alone", flush=True)
        return False
    if not (common.STOCK_VENV / "bin" / "gunicorn").exists():
        subprocess.run(["bash", str(common.SHARED_BENCH / "setup.sh")], check=True)
    # Like with like: the baseline runs under the same server as the service, which it may lack.
    executable = common.SERVERS[args.server][0]
    if not (common.STOCK_VENV / "bin" / executable).exists():
        subprocess.run([str(common.STOCK_VENV / "bin" / "pip"), "install", "-q", executable], check=True)
    return True


def main() -> None:
    args = parse_args()
    common.ensure_wrk()
    (common.ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    stock = args.stock and ensure_stock(args)
    database = "sessauth_bench"
    prepare_database(database)
    base = prepare_base(args.base) if args.base else None
    runs: dict[str, list[dict[str, dict[str, Any]]]] = {}
    started = datetime.now(UTC)
    loads = [common.load_average()]
    with ExitStack() as stack:
        redis_envs = {name: stack.enter_context(topology(name)) for name in args.topologies}
        _rounds(args, stock, database, redis_envs, runs, loads, base)
    if "login" in args.scenarios:
        _login_rounds(args, stock, database, runs, loads)
    results = {
        "command": " ".join(["make bench", *sys.argv[1:]]),
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "server": args.server,
        "workers": args.workers,
        "load": vars(args.load),
        "repeat": args.repeat,
        "load_averages": loads,
        "base": base.label if base else "",
        "one_hash_ms": one_hash_ms(common.service_env("db", database, "benchprep")),
        "medians": {label: median_of(rounds) for label, rounds in runs.items()},
        "rounds": runs,
    }
    out = Path(args.out)
    out.write_text(json.dumps(results, indent=1))
    out.with_suffix(".md").write_text(report.table(results) + "\n")
    print(report.table(results))
    print(f"\nresults: {out}")
    if args.record:
        report.append_to_results(results)
        print(f"recorded: {report.RESULTS}")
    if args.chart:
        Path(args.chart).parent.mkdir(parents=True, exist_ok=True)
        report.chart(results, Path(args.chart))
        print(f"chart: {args.chart}")


def _rounds(
    args: argparse.Namespace,
    stock: bool,
    database: str,
    redis_envs: dict[str, dict[str, str]],
    runs: dict[str, list[dict[str, dict[str, Any]]]],
    loads: list[str],
    base: Base | None = None,
) -> None:
    for round_number in range(1, args.repeat + 1):
        print(f"round {round_number}/{args.repeat} (load average {common.load_average()})", flush=True)
        plan: list[tuple[str, Any]] = []
        if stock:
            plan.append(("raw", lambda: run_raw(args)))
            for engine in STOCK_ENGINES:
                plan.append((f"stock {engine}", lambda e=engine: run_stock(e, args)))
            plan.append(("stock db CONN_MAX_AGE=0", lambda: run_stock("db", args, conn_max_age=0)))
        for engine in args.engines:
            plan.append((f"ours {engine}", lambda e=engine: run_ours(e, args, database)))
            if base is not None:
                plan.append(
                    (
                        f"{base.label} {engine}",
                        lambda e=engine, b=base: run_ours(e, args, b.database, root=b.root),
                    )
                )
        for name, redis_env in redis_envs.items():  # against "ours cache" on one Redis, in the same round
            if "cache" not in args.engines:
                plan.append(
                    ("ours cache", lambda: run_ours("cache", args, database, None, TOPOLOGY_SCENARIOS))
                )
            plan.append(
                (
                    f"ours cache@{name}",
                    lambda env=redis_env: run_ours("cache", args, database, env, TOPOLOGY_SCENARIOS),
                )
            )
        # Alternate the order: whatever runs first in a round fared better on this machine, whatever it was.
        for label, run in plan if round_number % 2 else plan[::-1]:
            result = run()
            runs.setdefault(label, []).append(result)
            print("  " + report.one_line(label, result), flush=True)
        loads.append(common.load_average())


def _login_rounds(
    args: argparse.Namespace,
    stock: bool,
    database: str,
    runs: dict[str, list[dict[str, dict[str, Any]]]],
    loads: list[str],
) -> None:
    """The logins of stock's cache and of each engine of ours, added to the request round of that number."""
    plan: list[tuple[str, Any]] = []
    if stock:
        plan.append(("stock cache", lambda: run_stock("cache", args, logins=True)))
    for engine in args.engines:
        plan.append((f"ours {engine}", lambda e=engine: run_ours_logins(e, args, database)))
    for round_number in range(1, args.repeat + 1):
        print(f"login round {round_number}/{args.repeat} (load average {common.load_average()})", flush=True)
        for label, run in plan if round_number % 2 else plan[::-1]:
            result = run()
            runs[label][round_number - 1].update(result)
            print("  " + report.one_line(label, result), flush=True)
        loads.append(common.load_average())


@contextmanager
def topology(name: str) -> Iterator[dict[str, str]]:
    """Start a Redis topology of the tests' own (only "cluster": 3 primaries, 3 replicas) for the run."""
    if name != "cluster":
        raise SystemExit(f"unknown topology {name!r}: only 'cluster'")
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as root:
        cluster = RedisClusterNodes(Path(root)).start()
        try:
            yield {"REDIS_CLUSTER": "1", "REDIS_URL": cluster.url}
        finally:
            cluster.stop()


def median_of(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, float]]:
    scenarios = rounds[0].keys()
    return {
        name: {
            metric: statistics.median(r[name].get(metric, 0.0) for r in rounds)
            for metric in ("rps", "p50", "p99", "cpu_us")
        }
        for name in scenarios
    }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024)
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{cores} cores ({cpu}), {memory} GiB, {system}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engines", default="cache,db", help=f"comma list, or 'all' ({','.join(OURS_ENGINES)})"
    )
    parser.add_argument("--repeat", type=int, default=4, help="interleaved rounds; figures are their medians")
    parser.add_argument(
        "--server",
        default=common.IMAGE_SERVER,
        choices=sorted(common.SERVERS),
        help="one HTTP server for the service, the stock baseline and the raw app (default: the image's)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--warmup", default="2s")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--topologies",
        default="cluster",
        help="Redis topologies to run cache's who am I and PUT on beside one Redis ('' for none)",
    )
    parser.add_argument(
        "--base",
        default="",
        help="a commit whose service runs beside the working tree's in the same rounds (its own worktree "
        "under var/ and database), to show what a change did against stock and the raw app alike",
    )
    parser.add_argument("--no-stock", dest="stock", action="store_false", help="skip the stock baseline")
    parser.add_argument("--no-login", dest="login", action="store_false", help="skip the login scenarios")
    parser.add_argument("--login-n", type=int, default=15, help="sequential logins timed for the latency")
    parser.add_argument("--out", default=str(common.ROOT / "var" / "bench" / "results.json"))
    parser.add_argument("--chart", default="", help="also draw the req/s chart into this PNG")
    parser.add_argument(
        "--no-record",
        dest="record",
        action="store_false",
        help="do not append the run to benchmarks/RESULTS.md (a trial run)",
    )
    args = parser.parse_args()
    args.engines = OURS_ENGINES if args.engines == "all" else [e for e in args.engines.split(",") if e]
    args.topologies = [name for name in args.topologies.split(",") if name]
    args.load = common.Load(
        connections=args.connections, duration=args.duration, warmup=args.warmup, workers=args.workers
    )
    args.scenarios = {"login"} if args.login else set()
    return args


if __name__ == "__main__":
    main()
