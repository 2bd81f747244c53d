"""Behind PgBouncer in transaction mode: the statement timeout still holds, and prepared statements stay off.

The service behind a real PgBouncer 1.18 (``tests/support/pgbouncer.py``), as docs/deployment.md tells
operators to run it: ``DATABASE_TRANSACTION_POOLING=1``, the timeout on the role (here, on the test's own
database: the tests' role is the shared ``postgres``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from tests.support.clients import HeaderClient, new_username, register
from tests.support.server import LiveServer, service_env
from tests.support.services import POSTGRES_URL, unique_name

TIMEOUT_MS = 300
# The client's bound on a reply far above it, so only PostgreSQL's statement timeout can answer in time.
SHORT_TIMEOUT = {"DATABASE_STATEMENT_TIMEOUT_MS": str(TIMEOUT_MS), "DATABASE_REPLY_TIMEOUT": "30"}


def signed_in_client(server: LiveServer) -> HeaderClient:
    name = new_username("pooled")
    assert register(server.url, name).status_code == 201
    client = HeaderClient(server.url)
    assert client.login(name).status_code == 200
    return client


def direct_url(server: LiveServer) -> str:
    """Return the server's database as reached on PostgreSQL itself, not through PgBouncer."""
    name = urlsplit(server.env["DATABASE_URL"]).path
    return POSTGRES_URL.replace("postgres://", "postgresql://").rsplit("/", 1)[0] + name


@contextmanager
def sessions_table_locked(server: LiveServer) -> Iterator[None]:
    """Hold a lock that makes every read of a session wait, until the block ends."""
    with psycopg.connect(direct_url(server)) as conn:
        conn.execute("LOCK TABLE sessions_api_session IN ACCESS EXCLUSIVE MODE")
        yield
        conn.rollback()


@pytest.mark.parametrize("configuration", ["db-postgres", "db-pgbouncer"])
def test_a_slow_statement_is_cut_off_by_the_statement_timeout(server_pool, configuration):
    """The session's read waits on a lock; the statement timeout ends it.

    Connected directly the timeout travels as a startup option; through PgBouncer it is the database's.
    """
    server = server_pool.get(configuration, **SHORT_TIMEOUT)
    client = signed_in_client(server)
    with sessions_table_locked(server):
        start = time.monotonic()
        response = client.get("/auth/session", timeout=10)
        elapsed = time.monotonic() - start
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "service_unavailable"
    assert TIMEOUT_MS / 1000 <= elapsed < 3.0, f"503 took {elapsed:.2f}s"
    assert client.get("/auth/session").status_code == 200
    server_pool.release(configuration, **SHORT_TIMEOUT)


def test_without_the_roles_statement_timeout_no_statement_runs(databases, pgbouncer, tmp_path):
    """Forgetting ALTER ROLE ... SET statement_timeout gives 503s that say so, not unbounded statements."""
    env = service_env(
        {
            "SESSION_ENGINE": "db",
            "DATABASE_URL": pgbouncer.url(databases.postgres_url()),  # no timeout on this database
            "DATABASE_TRANSACTION_POOLING": "1",
        }
    )
    with LiveServer(env, tmp_path / f"{unique_name('no-timeout')}.log") as server:
        response = register(server.url, new_username("pooled"))
        assert response.status_code == 503, response.text
        assert response.json()["code"] == "service_unavailable"
        assert "ALTER ROLE <user> SET statement_timeout = 5000" in server.log_text()


def who_am_i_statuses(server: LiveServer, client: HeaderClient) -> Counter[int]:
    """Send 16 x 20 who-am-I requests at once (more clients than PgBouncer has server connections)."""

    def twenty(_: int) -> list[int]:
        headers = {"X-Session-Token": client.token or ""}
        with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as http:
            return [http.get("/auth/session", headers=headers).status_code for _ in range(20)]

    with ThreadPoolExecutor(16) as pool:
        return Counter(status for statuses in pool.map(twenty, range(16)) for status in statuses)


def test_the_auth_check_prepares_nothing_behind_pgbouncer(server_pool):
    """The auth check's read, prepared on a direct connection, is sent unprepared through PgBouncer."""
    server = server_pool.get("db-pgbouncer")
    assert who_am_i_statuses(server, signed_in_client(server)) == Counter({200: 320})


def test_prepared_statements_break_behind_pgbouncer_1_18(server_pool):
    """The same load with preparing turned on: PgBouncer hands a prepared name to another server.

    What DATABASE_TRANSACTION_POOLING's default prevents, so the test above is not passing by luck.
    """
    server = server_pool.get("db-pgbouncer", DATABASE_PREPARED_STATEMENTS="1")
    statuses = who_am_i_statuses(server, signed_in_client(server))
    server_pool.release("db-pgbouncer", DATABASE_PREPARED_STATEMENTS="1")
    print(f"with prepared statements through PgBouncer: {dict(statuses)}")
    assert statuses[500] > 0, "every request worked this time; the statements did not move between servers"
    assert (
        "ProgrammingError: prepared statement" in server.log_text()
    )  # "... does not exist" or "already ..."
