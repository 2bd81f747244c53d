"""Fixtures: the engine matrix (a live server per configuration), both transports, users."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clients import PASSWORD, Client, CookieClient, HeaderClient, new_username, register
from tests.support.pgbouncer import PgBouncer, set_statement_timeout
from tests.support.server import Databases, LiveServer, service_env
from tests.support.services import REDIS_URL, require_postgres, require_redis, unique_name
from tests.support.topologies import MASTER_NAME, RedisClusterNodes, SentinelGroup

# The six configurations every black-box test runs on: db on both databases, and each other engine
# on the database it is deployed with.
ENGINES = ["db-sqlite", "db-postgres", "cache", "cached_db", "file", "signed_cookies"]
MERGING_ENGINES = ["db-sqlite", "db-postgres", "cache", "cached_db", "file"]
# The engines on PostgreSQL again, through PgBouncer in transaction mode: only for the tests marked
# ``pgbouncer`` (row locks, revocation, login and its throttle, the statement timeout); with
# PGBOUNCER_TESTS=all for every test, with PGBOUNCER_TESTS=none for none.
PGBOUNCER_ENGINES = ["db-pgbouncer", "cached_db-pgbouncer"]
POOLED_ENGINES = [] if os.environ.get("PGBOUNCER_TESTS") == "none" else list(PGBOUNCER_ENGINES)
# TEST_REDIS_TOPOLOGIES=cluster,sentinel adds every engine once more on each of those topologies,
# started by the tests (tests/support/topologies.py): "cache@cluster", "file@sentinel"... There
# file and signed_cookies keep the auth check's copies and the throttle in Redis. Every primary of
# theirs has a replica, so they run with REDIS_MIN_REPLICAS=1: each write the guarantees rest on waits.
TOPOLOGIES = [name for name in os.environ.get("TEST_REDIS_TOPOLOGIES", "").split(",") if name]
REDIS_ENGINES = ["cache", "cached_db", "file", "signed_cookies"]


def on_topologies(topologies: list[str]) -> list[str]:
    return [f"{engine}@{topology}" for topology in topologies for engine in REDIS_ENGINES]


TOPOLOGY_ENGINES = on_topologies(TOPOLOGIES)
ENGINES += TOPOLOGY_ENGINES
MERGING_ENGINES += [engine for engine in TOPOLOGY_ENGINES if not engine.startswith("signed_cookies")]
# TEST_ENGINES=cache@cluster,db-pgbouncer,... runs only the tests that run on a configuration, and
# only on those, every test on a PgBouncer one. TEST_ENGINES=scaled names the ones of make test's
# second pass: every Redis engine on both topologies, and both PgBouncer configurations (the first
# pass ran everything else). TEST_TRANSPORTS=header runs the transport-parametrized tests on that
# transport alone (that pass's choice: both reach the stores through the same code).
SCALED_ENGINES = on_topologies(["cluster", "sentinel"]) + PGBOUNCER_ENGINES
CHOSEN_ENGINES = [name for name in os.environ.get("TEST_ENGINES", "").split(",") if name]
if CHOSEN_ENGINES == ["scaled"]:
    CHOSEN_ENGINES = SCALED_ENGINES
TRANSPORTS = [name for name in os.environ.get("TEST_TRANSPORTS", "cookie,header").split(",") if name]
if CHOSEN_ENGINES:
    POOLED_ENGINES = [engine for engine in PGBOUNCER_ENGINES if engine in CHOSEN_ENGINES]
    ENGINES = [engine for engine in CHOSEN_ENGINES if engine not in POOLED_ENGINES]
    MERGING_ENGINES = [engine for engine in ENGINES if not engine.startswith("signed_cookies")]


def engine_name(engine: str) -> str:
    """Return the SESSION_ENGINE of a configuration ("cache@cluster" -> "cache")."""
    return engine.split("@")[0].split("-")[0]


class ServerPool:
    """Live servers started on first use, one per (engine, settings), all stopped at the end."""

    def __init__(self, databases: Databases, workdir: Path, pgbouncer: PgBouncer) -> None:
        self.databases = databases
        self.workdir = workdir
        self.pgbouncer = pgbouncer
        self.servers: dict[tuple[str, tuple[tuple[str, str], ...]], LiveServer] = {}
        self.topologies: dict[str, RedisClusterNodes | SentinelGroup] = {}

    def redis_env(self, topology: str) -> dict[str, str]:
        """Return the settings that point the service at one Redis or at a topology of ours.

        A topology is started on first use, once per test process, and stopped with the servers.
        """
        if topology == "cluster":
            cluster = self.topologies.get(topology) or RedisClusterNodes(self.workdir).start()
            self.topologies[topology] = cluster
            assert isinstance(cluster, RedisClusterNodes)
            return {"REDIS_CLUSTER": "1", "REDIS_URL": cluster.url, "REDIS_MIN_REPLICAS": "1"}
        if topology == "sentinel":
            group = self.topologies.get(topology) or SentinelGroup(self.workdir).start()
            self.topologies[topology] = group
            assert isinstance(group, SentinelGroup)
            return {
                "REDIS_SENTINELS": group.sentinels_setting,
                "REDIS_SENTINEL_MASTER": MASTER_NAME,
                "REDIS_MIN_REPLICAS": "1",
            }
        require_redis()
        return {"REDIS_URL": REDIS_URL}

    def engine_env(self, engine: str, statement_timeout_ms: str = "5000") -> dict[str, str]:
        """Return the environment that selects an engine and its stores, skipping when a store is down."""
        name, _, topology = engine.partition("@")
        name = engine_name(name)
        env = {"SESSION_ENGINE": name, "CACHE_KEY_PREFIX": unique_name("t")}
        if engine in PGBOUNCER_ENGINES:
            env.update(self.pooled_env(statement_timeout_ms))
        elif engine == "db-postgres" or name in ("cache", "cached_db"):
            require_postgres()
            env["DATABASE_URL"] = self.databases.postgres_url()
        else:
            env["DATABASE_URL"] = self.databases.sqlite_url()
        if name in ("cache", "cached_db") or topology:
            env.update(self.redis_env(topology))
        if name == "file":
            session_dir = self.workdir / unique_name("sessions")
            session_dir.mkdir()
            env["SESSION_FILE_PATH"] = str(session_dir)
        return env

    def pooled_env(self, statement_timeout_ms: str) -> dict[str, str]:
        """Return the settings of a service behind PgBouncer (docs/deployment.md), on its own database."""
        url = self.databases.postgres_url()
        set_statement_timeout(url, statement_timeout_ms)
        return {
            "DATABASE_URL": self.pgbouncer.url(url),
            "DATABASE_TRANSACTION_POOLING": "1",  # which turns DATABASE_PREPARED_STATEMENTS off too
        }

    def get(self, engine: str, **settings: str) -> LiveServer:
        key = (engine, tuple(sorted(settings.items())))
        if key not in self.servers:
            timeout_ms = settings.get("DATABASE_STATEMENT_TIMEOUT_MS", "5000")
            env = service_env({**self.engine_env(engine, timeout_ms), **settings})
            log = self.workdir / f"{unique_name(engine)}.log"
            self.servers[key] = LiveServer(env, log).start()
        return self.servers[key]

    def release(self, engine: str, **settings: str) -> None:
        """Stop a server no test needs any more (its idle connections count against PostgreSQL's limit)."""
        server = self.servers.pop((engine, tuple(sorted(settings.items()))), None)
        if server is not None:
            server.stop()

    def stop_all(self) -> None:
        for server in self.servers.values():
            server.stop()
        for topology in self.topologies.values():
            topology.stop()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def pgbouncer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode in front of the tests' PostgreSQL, started when first asked for."""
    bouncer = PgBouncer(tmp_path_factory.mktemp("pgbouncer"))
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="session")
def server_pool(
    databases: Databases, pgbouncer: PgBouncer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerPool]:
    pool = ServerPool(databases, tmp_path_factory.mktemp("servers"), pgbouncer)
    yield pool
    pool.stop_all()  # before PgBouncer stops: servers hold connections to it


@pytest.fixture(scope="session", params=ENGINES + POOLED_ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the PgBouncer configurations only for the tests marked ``pgbouncer`` (PGBOUNCER_TESTS=all: all);
    with TEST_ENGINES, only the tests that run on a configuration, every one of them."""
    marked_only = os.environ.get("PGBOUNCER_TESTS") != "all" and not CHOSEN_ENGINES
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        engine = callspec.params.get("engine") if callspec is not None else None
        unmarked = marked_only and engine in POOLED_ENGINES and item.get_closest_marker("pgbouncer") is None
        off_the_matrix = bool(CHOSEN_ENGINES) and engine is None
        (drop if unmarked or off_the_matrix else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def server(engine: str, server_pool: ServerPool) -> Iterator[LiveServer]:
    """The service on the engine of this run of the matrix (stopped when the matrix moves on)."""
    yield server_pool.get(engine)
    if engine != "db-sqlite":  # the embedded default also serves engine-independent tests
        server_pool.release(engine)


@pytest.fixture(scope="session")
def sqlite_server(server_pool: ServerPool) -> LiveServer:
    """The service on the embedded default (SQLite, db engine), for tests the engine does not affect."""
    return server_pool.get("db-sqlite")


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return request.param


def make_client(server: LiveServer, transport: str) -> Client:
    return CookieClient(server.url) if transport == "cookie" else HeaderClient(server.url)


def signed_in_client(server: LiveServer, transport: str, username: str) -> Client:
    """A new client of this transport, logged in as ``username`` (password: PASSWORD)."""
    client = make_client(server, transport)
    response = client.login(username)
    assert response.status_code == 200, response.text
    return client


@pytest.fixture
def client(server: LiveServer, transport: str) -> Iterator[Client]:
    """An anonymous client of the transport of this run."""
    new = make_client(server, transport)
    yield new
    new.close()


HARDENED = {
    "SESSION_ABSOLUTE_AGE": "4",
    "SESSION_ACTIVITY_INTERVAL": "1",
    "LOGIN_FAILURES_PER_USERNAME": "3",
    "LOGIN_FAILURES_PER_ADDRESS": "5",
    "LOGIN_FAILURE_WINDOW": "3",
    "REGISTRATIONS_PER_ADDRESS": "3",
    "REGISTRATION_WINDOW": "3",
    "NUM_PROXIES": "1",
}


@pytest.fixture(scope="session")
def hardened_server(engine: str, server_pool: ServerPool) -> Iterator[LiveServer]:
    """The engine of this run with short lifetimes and a small login throttle.

    It believes one proxy hop, so each test sends its own X-Forwarded-For address and the
    per-address counter of one test never throttles another.
    """
    yield server_pool.get(engine, **HARDENED)
    server_pool.release(engine, **HARDENED)


@pytest.fixture
def sqlite_client(sqlite_server: LiveServer, transport: str) -> Iterator[Client]:
    """An anonymous client on the SQLite server, for validation that no engine changes."""
    new = make_client(sqlite_server, transport)
    yield new
    new.close()


@pytest.fixture
def username(server: LiveServer) -> str:
    """A registered user's name (password: PASSWORD)."""
    name = new_username()
    assert register(server.url, name).status_code == 201
    return name


@pytest.fixture
def signed_in(client: Client, username: str) -> Client:
    """The client of this run, logged in as ``username``."""
    response = client.login(username)
    assert response.status_code == 200, response.text
    return client


@pytest.fixture
def second_device(server: LiveServer, transport: str, username: str) -> Iterator[Client]:
    """Another client of the same user, logged in separately."""
    other = signed_in_client(server, transport, username)
    yield other
    other.close()


__all__ = ["PASSWORD"]
