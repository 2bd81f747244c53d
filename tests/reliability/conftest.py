"""Fixtures of the reliability tests: stores of their own (killable, cuttable) and servers on them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.proxy import TcpProxy
from tests.support.server import Databases, LiveServer, manage, service_env
from tests.support.services import require_postgres, unique_name
from tests.support.stores import PostgresCluster, RedisServer


@pytest.fixture(scope="module")
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this module's own, killed and restarted by the tests."""
    redis = RedisServer().start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def redis_proxy(own_redis: RedisServer) -> Iterator[TcpProxy]:
    """A cuttable proxy in front of ``own_redis``: the services reach Redis only through it."""
    proxy = TcpProxy(own_redis.port).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of this module's own, stopped and restarted by the tests."""
    cluster = PostgresCluster().start()
    yield cluster
    cluster.destroy()


def start_server(workdir: Path, name: str, **env: str) -> LiveServer:
    """Start the service with these settings (and a key prefix of its own in Redis)."""
    settings = {"CACHE_KEY_PREFIX": unique_name("rel"), **env}
    return LiveServer(service_env(settings), workdir / f"{unique_name(name)}.log").start()


@pytest.fixture(scope="module")
def cache_server(
    redis_proxy: TcpProxy, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The ``cache`` engine on our own Redis, reached through the proxy."""
    require_postgres()
    server = start_server(
        tmp_path_factory.mktemp("outage"),
        "cache",
        SESSION_ENGINE="cache",
        REDIS_URL=redis_proxy.url(),
        DATABASE_URL=databases.postgres_url(),
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cached_db_server(
    redis_proxy: TcpProxy, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The ``cached_db`` engine on the shared PostgreSQL and our own Redis, reached through the proxy."""
    require_postgres()
    server = start_server(
        tmp_path_factory.mktemp("outage"),
        "cached_db",
        SESSION_ENGINE="cached_db",
        REDIS_URL=redis_proxy.url(),
        DATABASE_URL=databases.postgres_url(),
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def db_redis_server(
    redis_proxy: TcpProxy, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The ``db`` engine on the shared PostgreSQL; Redis (the login throttle) behind the proxy."""
    require_postgres()
    server = start_server(
        tmp_path_factory.mktemp("outage"),
        "db-redis",
        SESSION_ENGINE="db",
        REDIS_URL=redis_proxy.url(),
        DATABASE_URL=databases.postgres_url(),
        SESSION_ACTIVITY_INTERVAL="1",  # activity is recorded during the cut too
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_database(own_postgres: PostgresCluster) -> str:
    """A migrated database on our own cluster."""
    url = own_postgres.create_database(unique_name("outage"))
    manage(service_env({"DATABASE_URL": url}), "migrate", "--noinput", "-v0")
    return url


@pytest.fixture(scope="module")
def db_server(own_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The ``db`` engine on our own PostgreSQL cluster (no Redis at all)."""
    server = start_server(
        tmp_path_factory.mktemp("outage"), "db", SESSION_ENGINE="db", DATABASE_URL=own_database
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_proxy(own_postgres: PostgresCluster) -> Iterator[TcpProxy]:
    """A cuttable proxy in front of ``own_postgres``."""
    proxy = TcpProxy(own_postgres.port).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def silent_db_server(
    own_database: str, postgres_proxy: TcpProxy, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The ``db`` engine reaching the same database through the proxy, with a short statement timeout."""
    url = f"postgres://postgres@127.0.0.1:{postgres_proxy.port}/{own_database.rsplit('/', 1)[1]}"
    server = start_server(
        tmp_path_factory.mktemp("outage"),
        "silent-db",
        SESSION_ENGINE="db",
        DATABASE_URL=url,
        DATABASE_STATEMENT_TIMEOUT_MS="500",  # so the client's bound on a reply is 1.5 s
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def file_redis_server(
    redis_proxy: TcpProxy, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The ``file`` engine; Redis (throttle, auth-check copies) behind the proxy."""
    require_postgres()
    workdir = tmp_path_factory.mktemp("outage")
    (workdir / "sessions").mkdir()
    server = start_server(
        workdir,
        "file-redis",
        SESSION_ENGINE="file",
        SESSION_FILE_PATH=str(workdir / "sessions"),
        REDIS_URL=redis_proxy.url(),
        DATABASE_URL=databases.postgres_url(),
        SESSION_ACTIVITY_INTERVAL="1",  # activity is recorded during the cut too
    )
    yield server
    server.stop()
