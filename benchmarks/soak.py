"""Soak: mixed traffic against gunicorn on PostgreSQL + Redis for a bounded time; nothing may be lost.

    make soak                                   # about two minutes, the figures in benchmarks/RESULTS.md
    .venv/bin/python benchmarks/soak.py --help  # engine, duration, users

This process is the load (threads with keep-alive connections); the service runs in gunicorn, a
process of its own that the soak starts on a free port, on a fresh database cloned from a migrated
template on the PostgreSQL of the tests, and on their Redis under a key prefix of its own.

Each simulated user has a main session that two threads share, each writing and deleting its own
keys (so the merge of concurrent writes is exercised on every save), reading the whole session, asking
who it is and changing the expiry; and a spare session that is revoked and replaced by a new login
from time to time (a replayed revoked token must get 401). Every acknowledged write is remembered;
at the end each main session is read back and every remembered value must be there. Worker memory
(RSS of each gunicorn worker) is sampled throughout.

It fails (exit status 1) on any 5xx or transport error, any lost write, a revoked token still
accepted, or worker memory still growing over the second half of the run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.clients import PASSWORD, new_username, register  # noqa: E402
from tests.support.server import ARGON2_ENV, Databases, LiveServer, service_env  # noqa: E402
from tests.support.services import REDIS_URL, unique_name  # noqa: E402

KEYS_PER_THREAD = 40  # two threads: 80 keys, well under the 256-key limit of a session
GROWTH_LIMIT = 0.05  # the workers' RSS may grow at most 5% over the second half of the run
WEIGHTS = {"read": 30, "whoami": 15, "write": 35, "delete": 8, "expiry": 7, "revoke": 1}


@dataclass
class Figures:
    """What one soak measured."""

    duration: float = 0.0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    transport_errors: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # what the transport errors were
    acknowledged_writes: int = 0
    checked_keys: int = 0
    lost_writes: int = 0
    revoked_still_accepted: int = 0
    memory_mb: list[tuple[float, float]] = field(default_factory=list)  # (seconds, RSS of all workers)
    warmup: float = 0.0  # seconds at the start whose memory samples are left out (imports, caches)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    def memory_quarters(self) -> list[float]:
        """Return the lowest worker RSS of each quarter of the run (after the warm-up).

        The lowest, because every login lifts a worker by Argon2's 100 MiB for a moment; what shows a
        leak is the level the workers come back to rising.
        """
        samples = [rss for seconds, rss in self.memory_mb if seconds >= self.warmup]
        if len(samples) < 8:
            return []
        size = len(samples) // 4
        return [min(samples[n * size : (n + 1) * size]) for n in range(4)]

    def memory_growth(self) -> float:
        """Return how much worker RSS grew over the second half of the run, as a fraction."""
        quarters = self.memory_quarters()
        return (quarters[3] - quarters[1]) / quarters[1] if quarters else 0.0

    def summary(self) -> dict[str, Any]:
        quarters = [round(rss, 1) for rss in self.memory_quarters()]
        return {
            "duration_s": round(self.duration, 1),
            "requests": self.requests,
            "requests_per_s": round(self.requests / self.duration) if self.duration else 0,
            "actions": dict(self.actions),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors_5xx": self.server_errors,
            "transport_errors": self.transport_errors,
            "transport_error_kinds": dict(self.errors),
            "acknowledged_writes": self.acknowledged_writes,
            "keys_checked_at_end": self.checked_keys,
            "lost_writes": self.lost_writes,
            "revoked_tokens_still_accepted": self.revoked_still_accepted,
            "worker_rss_mb": {
                "lowest_by_quarter": quarters,
                "start": quarters[0] if quarters else None,
                "end": quarters[-1] if quarters else None,
                "peak": round(max(rss for _, rss in self.memory_mb), 1) if self.memory_mb else None,
                "growth_over_second_half": round(self.memory_growth(), 4),
            },
        }

    def failures(self) -> list[str]:
        problems = []
        if self.server_errors or self.transport_errors:
            problems.append(f"{self.server_errors} responses were 5xx, {self.transport_errors} failed")
        if self.lost_writes:
            problems.append(f"{self.lost_writes} acknowledged writes were not there at the end")
        if self.revoked_still_accepted:
            problems.append(f"{self.revoked_still_accepted} revoked tokens were still accepted")
        if self.memory_growth() > GROWTH_LIMIT:
            problems.append(f"worker memory grew {self.memory_growth():.1%} over the second half")
        return problems


class Session:
    """One header-transport session of a simulated user, as a mobile app holds it."""

    def __init__(self, base_url: str, figures: Figures) -> None:
        # Idle connections are dropped before gunicorn's own 2 s keep-alive ends: otherwise a request
        # sent as gunicorn closes the connection fails, which says nothing about the service.
        self.http = httpx.Client(
            base_url=base_url + "/api/v1", timeout=30, limits=httpx.Limits(keepalive_expiry=1.0)
        )
        self.figures = figures
        self.token = ""

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        try:
            response = self.http.request(method, path, headers={"X-Session-Token": self.token}, **kwargs)
        except httpx.HTTPError as exc:
            with self.figures.lock:
                self.figures.requests += 1
                self.figures.transport_errors += 1
                self.figures.errors[f"{method} {path.split('/')[1]}: {exc.__class__.__name__}"] += 1
            return None
        with self.figures.lock:
            self.figures.requests += 1
            self.figures.statuses[response.status_code] += 1
        self.token = response.headers.get("X-Session-Token", self.token)
        return response

    def login(self, username: str) -> str:
        """Log in on this session's client; return the public id of the new session."""
        body = {"username": username, "password": PASSWORD, "transport": "header"}
        self.token = ""
        response = self.call("POST", "/auth/login", json=body)
        if response is None or response.status_code != 200:
            raise RuntimeError(f"login failed: {response.status_code if response else 'no answer'}")
        self.token = response.json()["session_token"]
        return response.json()["session"]["id"]


class Writer(threading.Thread):
    """One of a user's two threads on the shared main session; the second also revokes the spare."""

    def __init__(self, user: User, prefix: str, deadline: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.user, self.prefix, self.deadline = user, prefix, deadline
        self.main = Session(user.base_url, user.figures)
        self.main.token = user.main_token
        self.random = random.Random(seed)
        self.expected: dict[str, Any] = {}  # key -> last acknowledged value (absent: deleted)
        self.sequence = itertools.count()

    def run(self) -> None:
        actions, weights = zip(*WEIGHTS.items(), strict=True)
        while time.monotonic() < self.deadline:
            action = self.random.choices(actions, weights)[0]
            if action == "revoke" and self.prefix != "b":
                action = "read"
            getattr(self, action)()
            with self.user.figures.lock:
                self.user.figures.actions[action] += 1

    def key(self) -> str:
        return f"{self.prefix}-{self.random.randrange(KEYS_PER_THREAD)}"

    def read(self) -> None:
        self.main.call("GET", "/session/data")

    def whoami(self) -> None:
        self.main.call("GET", "/auth/session")

    def write(self) -> None:
        key, value = self.key(), {"seq": next(self.sequence), "pad": "x" * self.random.randrange(200)}
        response = self.main.call("PUT", f"/session/data/{key}", json={"value": value})
        if response is not None and response.status_code in (200, 201):
            self.expected[key] = value
            with self.user.figures.lock:
                self.user.figures.acknowledged_writes += 1

    def delete(self) -> None:
        key = self.key()
        response = self.main.call("DELETE", f"/session/data/{key}")
        if response is not None and response.status_code in (204, 404):
            self.expected.pop(key, None)

    def expiry(self) -> None:
        self.main.call("PUT", "/session/expiry", json={"seconds": self.random.randrange(3600, 7200)})

    def revoke(self) -> None:
        self.user.revoke_spare(self.main)


@dataclass
class User:
    base_url: str
    figures: Figures
    username: str = ""
    main_token: str = ""
    spare: Session = field(init=False)
    spare_id: str = ""

    def start(self) -> None:
        self.username = new_username("soak")
        if register(self.base_url, self.username).status_code != 201:
            raise RuntimeError("could not register a user")
        main = Session(self.base_url, self.figures)
        main.login(self.username)
        self.main_token = main.token
        self.spare = Session(self.base_url, self.figures)
        self.spare_id = self.spare.login(self.username)

    def revoke_spare(self, main: Session) -> None:
        """End the spare session from the main one; its token must be refused at once; log in anew."""
        response = main.call("DELETE", f"/sessions/{self.spare_id}")
        if response is None or response.status_code != 204:
            return
        replay = self.spare.call("GET", "/auth/session")
        if replay is not None and replay.status_code != 401:
            with self.figures.lock:
                self.figures.revoked_still_accepted += 1
        self.spare_id = self.spare.login(self.username)

    def check(self, writers: list[Writer]) -> None:
        """Count the acknowledged writes the main session does not hold at the end."""
        stored = Session(self.base_url, self.figures)
        stored.token = self.main_token
        response = stored.call("GET", "/session/data")
        data = response.json()["data"] if response is not None and response.status_code == 200 else {}
        expected = {key: value for writer in writers for key, value in writer.expected.items()}
        with self.figures.lock:
            self.figures.checked_keys += len(expected)
            self.figures.lost_writes += sum(1 for key, value in expected.items() if data.get(key) != value)


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def sample_memory(master: int, figures: Figures, started: float, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        figures.memory_mb.append((time.monotonic() - started, rss_mb(worker_pids(master))))


def soak(base_url: str, *, master_pid: int, duration: float, users: int, seed: int = 1) -> Figures:
    """Run the soak against a live server; return its figures."""
    figures = Figures(warmup=min(15.0, duration / 5))
    people = [User(base_url, figures) for _ in range(users)]
    for person in people:
        person.start()
    started = time.monotonic()
    deadline = started + duration
    writers = {
        id(person): [
            Writer(person, prefix, deadline, seed * 1000 + n * 2 + i) for i, prefix in enumerate("ab")
        ]
        for n, person in enumerate(people)
    }
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(master_pid, figures, started, stop), daemon=True)
    sampler.start()
    for pair in writers.values():
        for writer in pair:
            writer.start()
    for pair in writers.values():
        for writer in pair:
            writer.join()
    stop.set()
    sampler.join()
    figures.duration = time.monotonic() - started
    for person in people:
        person.check(writers[id(person)])
    return figures


def service_settings(engine: str, database_url: str) -> dict[str, str]:
    """Return the service's settings for a soak: this engine, this database, the tests' Redis."""
    return {
        "SESSION_ENGINE": engine,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": unique_name("soak"),
        # A log line per login or per 404 would only measure the log file.
        "AUDIT_LOG_LEVEL": "WARNING",
        # Production's hasher, not the tests' fast one: its 100 MiB per login is part of what the
        # memory check watches.
        **ARGON2_ENV,
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", default="cached_db", choices=["db", "cache", "cached_db"])
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of traffic")
    parser.add_argument("--users", type=int, default=8, help="simulated users (two threads each)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soak-") as workdir:
        databases = Databases(Path(workdir))
        settings = service_settings(args.engine, databases.postgres_url())
        server = LiveServer(service_env(settings), Path(workdir) / "gunicorn.log").start()
        master_pid = server.process.pid if server.process else 0
        try:
            figures = soak(server.url, master_pid=master_pid, duration=args.duration, users=args.users)
        finally:
            server.stop()
            databases.drop_all()
    summary = {"engine": args.engine, "users": args.users, **figures.summary()}
    print(json.dumps(summary, indent=2))
    problems = figures.failures()
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
