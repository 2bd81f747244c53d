"""Stores a test owns: its own redis-server and PostgreSQL cluster on free ports, stopped by PID.

The outage tests kill and restart these; the shared PostgreSQL and Redis of the other tests are never
touched. Waits poll the port (or pg_isready), never sleep a fixed time.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.services import free_port, port_open


def wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """Poll ``predicate`` every 20 ms until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout}s")
        time.sleep(0.02)


def missing_tool(name: str) -> NoReturn:
    """Skip (fail under CI=true) when a program the test needs is not installed."""
    message = f"{name} is not installed; install it to run this test"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: a missing tool is a failure)")
    pytest.skip(message)


class RedisServer:
    """``redis-server`` without persistence on a fixed free port; restartable on the same port."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            missing_tool("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        command = [
            str(self.binary),
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
            *("--daemonize", "no", "--loglevel", "warning"),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open("127.0.0.1", self.port), 10, f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        """Kill the server (SIGKILL by PID: an abrupt outage, nothing is flushed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


def _postgres_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster (initdb in a temp dir) on a free port, trust auth, no fsync.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user.
    """

    def __init__(self) -> None:
        bindir = _postgres_bindir()
        if bindir is None:
            missing_tool("PostgreSQL server binaries (initdb, postgres)")
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="pgcluster-"))
        self.data = self.root / "data"
        self.process: subprocess.Popen[bytes] | None = None
        # Popen's user/group switch in the child, so the PID we hold is the postmaster's own.
        self._as_user: dict[str, str] = {}
        if os.geteuid() == 0:
            self._as_user = {"user": "postgres", "group": "postgres"}
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"],
            cwd=self.root,
            check=True,
            capture_output=True,
            timeout=120,
            **self._as_user,  # type: ignore[call-overload]
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresCluster:
        command = [
            str(self.bindir / "postgres"),
            *("-D", str(self.data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1"),
            *("-c", f"unix_socket_directories={self.root}", "-c", "fsync=off"),
            *("-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
        ]
        log = open(self.root / "postgres.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            command,
            cwd=self.root,
            stdout=log,
            stderr=log,
            **self._as_user,  # type: ignore[call-overload]
        )
        log.close()
        wait_until(self._ready, 30, f"PostgreSQL on port {self.port}")
        return self

    def _ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"postgres exited: {self.log_tail()}")
        if not port_open("127.0.0.1", self.port):
            return False
        import psycopg

        try:
            psycopg.connect(self.url().replace("postgres://", "postgresql://"), connect_timeout=2).close()
        except psycopg.OperationalError:  # still starting up
            return False
        return True

    def create_database(self, name: str) -> str:
        import psycopg

        conninfo = self.url().replace("postgres://", "postgresql://")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.url(name)

    def stop(self) -> None:
        """Stop the postmaster by its PID: SIGINT is PostgreSQL's fast shutdown (clients are cut off)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self) -> str:
        try:
            return (self.root / "postgres.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""
