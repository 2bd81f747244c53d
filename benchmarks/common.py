"""What every benchmark script shares: the stores, servers started and stopped by PID, logins, wrk."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SHARED_BENCH = Path(os.environ.get("STOCK_BENCH", ROOT.parent / "shared" / "bench")).resolve()
STOCK_VENV = Path(os.environ.get("STOCK_VENV", "/tmp/benchvenv"))  # noqa: S108 - where setup.sh puts it
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE = os.environ.get("BENCH_PG_BASE", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
USERNAME, PASSWORD = "bench", "bench-pass-123"
# A user's devices: the User-Agents that seeded and measured sessions cycle through.
USER_AGENTS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "okhttp/4.12.0",
]
BENCH_SECRET_KEY = "bench-only-" + secrets.token_urlsafe(40)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def service_env(engine: str, database: str, prefix: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, every security setting on) behind a TLS-terminating proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_", "DATABASE_", "REDIS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "api_project.settings",
            "SECRET_KEY": BENCH_SECRET_KEY,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # The proxy in front terminates TLS and says so; the drivers send X-Forwarded-Proto: https.
            "SECURE_PROXY_SSL_HEADER": "1",
            "SESSION_ENGINE": engine,
            "DATABASE_URL": f"{PG_BASE}/{database}",
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
        }
    )
    if engine == "file":
        env["SESSION_FILE_PATH"] = str(ROOT / "var" / "bench-sessions")
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, root: Path = ROOT) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args], cwd=root, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


SERVERS = {
    # name: (command line after the executable's directory, application)
    "gunicorn-sync": [
        "gunicorn", "-k", "sync", "-w", "{workers}", "-b", "127.0.0.1:{port}", "api_project.wsgi:application",
    ],
    "gunicorn-gthread": [
        "gunicorn", "-k", "gthread", "--threads", "4", "-w", "{workers}", "-b", "127.0.0.1:{port}",
        "api_project.wsgi:application",
    ],
    "granian": [
        "granian", "--interface", "wsgi", "--workers", "{workers}", "--blocking-threads", "1",
        "--host", "127.0.0.1", "--port", "{port}", "--no-ws", "--log-level", "warning",
        "api_project.wsgi:application",
    ],
    "granian-2threads": [
        "granian", "--interface", "wsgi", "--workers", "{workers}", "--blocking-threads", "2",
        "--host", "127.0.0.1", "--port", "{port}", "--no-ws", "--log-level", "warning",
        "api_project.wsgi:application",
    ],
    "uvicorn": [
        "uvicorn", "--workers", "{workers}", "--host", "127.0.0.1", "--port", "{port}", "--no-access-log",
        "--log-level", "warning", "api_project.asgi:application",
    ],
}  # fmt: skip


# What the image runs (deploy/gunicorn.conf.py: gunicorn, gthread workers of 4 threads).
IMAGE_SERVER = "gunicorn-gthread"


def server_command(name: str, workers: int, venv_bin: Path = VENV_BIN) -> list[str]:
    """Return the command line that serves the API with this server and number of workers."""
    executable, *rest = SERVERS[name]
    return [str(venv_bin / executable), *(part.replace("{workers}", str(workers)) for part in rest)]


RUNNING: list[subprocess.Popen[bytes]] = []  # the server being measured (its PID is its group's)


@dataclass
class Server:
    """A server process on a free port, stopped by its PID (and its process group)."""

    command: list[str]
    env: dict[str, str]
    cwd: Path
    probe: str = "/"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 40) -> Server:
        command = [part.format(port=self.port) for part in self.command]
        log = open(ROOT / "var" / "bench-server.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        RUNNING.append(self.process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{command[0]} exited with {self.process.returncode}; see var/bench-server.log"
                )
            try:
                request("GET", self.port, self.probe, timeout=2)
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{command[0]} did not come up; see var/bench-server.log")

    def stop(self) -> None:
        if self.process in RUNNING:
            RUNNING.remove(self.process)
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def request(
    method: str,
    port: int,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], SimpleCookie, bytes]:
    """Send one request; return status, headers, cookies set, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json", **(headers or {})} if data else dict(headers or {})
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        cookies: SimpleCookie = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        return response.status, dict(response.headers), cookies, response.read()
    finally:
        conn.close()


def proxy_headers(port: int) -> dict[str, str]:
    """What the TLS-terminating proxy and a same-origin SPA add to every request."""
    return {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}"}


def login_ours(port: int) -> dict[str, str]:
    """Log in on the cookie transport as a browser would; return the headers of a signed-in request."""
    base = proxy_headers(port)
    status, _, cookies, _ = request("GET", port, "/api/v1/auth/csrf", headers=base)
    csrf = cookies["csrftoken"].value
    headers = {**base, "X-CSRFToken": csrf, "Cookie": f"csrftoken={csrf}"}
    body = {"username": USERNAME, "password": PASSWORD}
    status, _, cookies, text = request("POST", port, "/api/v1/auth/login", body, headers)
    if status != 200:
        raise RuntimeError(f"login failed: {status} {text[:300]!r}")
    sid, csrf = cookies["sessionid"].value, cookies["csrftoken"].value
    return {**base, "Cookie": f"sessionid={sid}; csrftoken={csrf}", "X-CSRFToken": csrf}


def login_stock(port: int) -> dict[str, str]:
    status, _, cookies, text = request("POST", port, "/login/", {"username": USERNAME, "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"stock login failed: {status} {text[:300]!r}")
    cookie = f"sessionid={cookies['sessionid'].value}"
    if "csrftoken" in cookies:
        cookie += f"; csrftoken={cookies['csrftoken'].value}"
    return {"Cookie": cookie}


@dataclass
class Load:
    threads: int = 2
    connections: int = 16
    duration: str = "10s"
    warmup: str = "2s"
    workers: int = 2  # the server's, so that wrk's split between them can be checked


def group_cpu_seconds(group: int) -> float:
    """Return the CPU time (user + system) used so far by the live processes of a process group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after the command: state, ppid, pgrp, ..., utime, stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(
    load: Load,
    url: str,
    method: str = "GET",
    body: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run wrk (warm-up, then the timed run); return req/s, p50 and p99 in ms, the error counts, the
    CPU time the server spent per request (less moved by other work on the machine than req/s), and how
    wrk's connections split between the server's processes.

    wrk opens its connections all at once, and the workers race to accept them: now and then one worker
    takes nearly all of them and the other idles, which halves the throughput of any app and moves its
    CPU per request. A timed run whose split leaves a worker under half its share is run again, up to
    ``SPLIT_TRIES`` times; the split is reported.
    """
    args = [
        "-t",
        str(load.threads),
        "-c",
        str(load.connections),
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "benchmarks" / "wrk.lua"),
    ]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    env = {**os.environ, "WRK_METHOD": method, "WRK_BODY": body}
    if load.warmup not in ("", "0"):
        subprocess.run(["wrk", *args, "-d", load.warmup, url], env=env, capture_output=True, check=True)
    port = urlsplit(url).port or 80
    for _ in range(SPLIT_TRIES):
        result = _timed_wrk([*args, "-d", load.duration, url], env, port)
        if (
            min(result["split"], default=0) * load.workers * 2 >= load.connections
            and len(result["split"]) >= load.workers
        ):
            break
    return result


SPLIT_TRIES = 5


def _timed_wrk(command: list[str], env: dict[str, str], port: int) -> dict[str, Any]:
    cpu_before = group_cpu_seconds(RUNNING[-1].pid) if RUNNING else 0.0
    process = subprocess.Popen(["wrk", *command], env=env, stdout=subprocess.PIPE, text=True)
    split = connection_split(port, process)
    out, _ = process.communicate()
    cpu = (group_cpu_seconds(RUNNING[-1].pid) if RUNNING else 0.0) - cpu_before
    if process.returncode:
        raise RuntimeError(f"wrk exited with {process.returncode}")
    line = next(row for row in out.splitlines() if row.startswith("WRKRESULT"))
    rps, p50, p99, total, non2xx, *errors = line.split()[1:]
    return {
        "rps": float(rps), "p50": float(p50), "p99": float(p99),
        "requests": int(total), "non2xx": int(non2xx), "socket_errors": sum(int(e) for e in errors),
        "cpu_us": cpu / max(int(total), 1) * 1e6, "split": split,
    }  # fmt: skip


def connection_split(port: int, client: subprocess.Popen[str]) -> list[int]:
    """Return how many of the connections to ``port`` each server process holds, once they stop growing
    (largest first); [] if the client ends first."""
    seen: list[int] = []
    while client.poll() is None:
        time.sleep(0.2)
        listed = subprocess.run(
            ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
        ).stdout
        counts: dict[str, int] = {}
        for pid in re.findall(r"pid=(\d+)", listed):
            counts[pid] = counts.get(pid, 0) + 1
        split = sorted(counts.values(), reverse=True)
        if split and split == seen:
            return split
        seen = split
    return seen


def sequential_logins(
    port: int,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
    count: int,
    after_each: Callable[[], object] | None = None,
) -> dict[str, Any]:
    """Time ``count`` logins one after another on an idle server (``after_each`` runs untimed between)."""
    request("POST", port, path, body, headers)  # untimed: waits out anything still queued
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, *_ = request("POST", port, path, body, headers)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"login returned {status}")
        if after_each is not None:
            after_each()
    return timings(times)


def timings(times: list[float]) -> dict[str, Any]:
    """Figures of things timed one at a time, in ms, in the shape of wrk's: their median and their max."""
    median = statistics.median(times)
    return {
        "rps": 1000 / median,
        "p50": median,
        "p99": max(times),
        "requests": len(times),
        "non2xx": 0,
        "socket_errors": 0,
    }


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing it with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
