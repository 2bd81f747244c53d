"""Fixtures of the client SDK tests: the service they share, and one whose store goes down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ServerPool
from tests.support.server import Databases, LiveServer, service_env
from tests.support.services import require_postgres, unique_name
from tests.support.stores import RedisServer

# A password proof counts for two seconds, and two failed logins in two seconds throttle a username.
SDK_SERVER = {
    "REAUTH_MAX_AGE": "2",
    "LOGIN_FAILURES_PER_USERNAME": "2",
    "LOGIN_FAILURE_WINDOW": "2",
}


@pytest.fixture(scope="module")
def sdk_server(server_pool: ServerPool) -> Iterator[LiveServer]:
    """The embedded default (SQLite, db engine) with SDK_SERVER's short step-up and small throttle."""
    yield server_pool.get("db-sqlite", **SDK_SERVER)
    server_pool.release("db-sqlite", **SDK_SERVER)


@pytest.fixture(scope="module")
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this module's own, which store_down kills and restarts."""
    redis = RedisServer().start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def outage_server(
    own_redis: RedisServer, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The cache engine on ``own_redis``: its only store of sessions."""
    require_postgres()
    env = {
        "SESSION_ENGINE": "cache",
        "REDIS_URL": own_redis.url,
        "DATABASE_URL": databases.postgres_url(),
        "CACHE_KEY_PREFIX": unique_name("sdk"),
    }
    server = LiveServer(service_env(env), tmp_path_factory.mktemp("outage") / "cache.log").start()
    yield server
    server.stop()


@pytest.fixture
def store_down(outage_server: LiveServer, own_redis: RedisServer) -> Iterator[LiveServer]:
    """``outage_server`` while its Redis is down; Redis comes back, empty, when the test ends."""
    own_redis.stop()
    try:
        yield outage_server
    finally:
        own_redis.start()
