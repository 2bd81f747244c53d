"""A real PgBouncer in transaction mode in front of the tests' PostgreSQL, on a free port, stopped by PID.

Debian's package (1.18, ``scripts/install-pgbouncer.sh``): no prepared statements across transactions,
and the startup parameter ``options`` refused, as in production behind it. It refuses to run as root,
so as root it is started with ``-u postgres`` (it reads its configuration first, then drops to that
user, whom the package's dependency postgresql-common creates).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support.server import stop_process
from tests.support.services import free_port, port_open, postgres_admin, require

PGBOUNCER = os.environ.get("PGBOUNCER", "/usr/sbin/pgbouncer")
# Fewer server connections per database than one live server has threads (2 workers x 8), so that
# clients really share them, as in production: a transaction's session state would leak to others.
POOL_SIZE = 4

CONFIG = """\
[databases]
; any database the client names, on the tests' PostgreSQL, as its superuser
* = host=127.0.0.1 port=5432 user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 2000
"""


def require_pgbouncer() -> None:
    """Skip when PgBouncer is not installed (a failure under CI=true), and when PostgreSQL is down."""
    if shutil.which(PGBOUNCER) is None:
        message = f"{PGBOUNCER} is missing: run scripts/install-pgbouncer.sh (make test does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: a missing service is a failure)")
        pytest.skip(message)
    require("PostgreSQL", "127.0.0.1", 5432)


def set_statement_timeout(postgres_url: str, timeout_ms: int | str) -> None:
    """Give a test database the statement timeout a pooled service cannot send (docs/deployment.md).

    On the database, not the role: the tests' role is the shared ``postgres``.
    """
    name = urlsplit(postgres_url).path.lstrip("/")
    postgres_admin(f'ALTER DATABASE "{name}" SET statement_timeout = {int(timeout_ms)}')


class PgBouncer:
    """One pgbouncer process, started on first use, with its configuration and log in ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, postgres_url: str) -> str:
        """Return ``postgres_url`` (on 127.0.0.1:5432) as reached through this PgBouncer."""
        self.start()
        parts = urlsplit(postgres_url)
        netloc = f"{parts.username}@127.0.0.1:{self.port}" if parts.username else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def start(self, timeout: float = 10.0) -> None:
        if self.process is not None:
            return
        require_pgbouncer()
        self.port = free_port()
        config = self.workdir / "pgbouncer.ini"
        config.write_text(CONFIG.format(port=self.port, pool_size=POOL_SIZE))
        command = [PGBOUNCER, *(["-u", "postgres"] if os.geteuid() == 0 else []), str(config)]
        self._log = open(self.workdir / "pgbouncer.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited with {self.process.returncode}: {self.log_text()}")
            if port_open("127.0.0.1", self.port):
                return
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"pgbouncer did not listen in {timeout}s: {self.log_text()}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, signal.SIGTERM)  # its immediate shutdown; SIGINT waits for clients
            self._log.close()

    def log_text(self) -> str:
        return (self.workdir / "pgbouncer.log").read_text(errors="replace")
