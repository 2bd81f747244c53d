"""In-process tests of the protocols: a database of their own on the real PostgreSQL, keys of their own
on the real Redis, and a fake clock where time is the point. Nothing here is mocked but time."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import environ
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django_redis import get_redis_connection

from api_project import settings_stores
from api_project.store_health import Breaker, redis_health
from sessions_api import snapshots
from sessions_api.backends import base
from tests.support.services import (
    POSTGRES_URL,
    REDIS_URL,
    postgres_admin,
    require_postgres,
    require_redis,
    unique_name,
)


def _use_database(database: dict) -> None:
    """Point Django's default connection at ``database`` (no connection was made with the old one)."""
    connections.close_all()
    settings.DATABASES = {"default": database}
    with contextlib.suppress(AttributeError):
        del connections.settings  # a cached_property: configured again from settings.DATABASES
    with contextlib.suppress(AttributeError):
        del connections["default"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker) -> Iterator[None]:
    """A freshly migrated PostgreSQL database of this worker's own, configured as the service's is."""
    require_postgres()
    name = unique_name("sessauth_protocols")
    postgres_admin(f'CREATE DATABASE "{name}"')
    previous = settings.DATABASES
    database = environ.Env.db_url_config(f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}")
    database.update({"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TEST": {"NAME": name}})
    settings_stores.configure_postgresql(
        environ.Env(), database, statement_timeout_ms=5000, transaction_pooling=False
    )
    settings.DATABASE_STATEMENT_TIMEOUT_MS, settings.DATABASE_REPLY_TIMEOUT = 5000, 6.0
    settings.DATABASE_TRANSACTION_POOLING = False
    _use_database(database)
    with django_db_blocker.unblock():
        call_command("migrate", "--noinput", verbosity=0)
    yield
    _use_database(previous)
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis(settings) -> Iterator[object]:
    """Redis as the service is configured with it, under a key prefix of this test's own; the client."""
    require_redis()
    prefix = unique_name("protocols")
    settings.REDIS_URL = REDIS_URL
    settings.AUTH_CACHE_TIMEOUT = 300
    settings.CACHES = {
        "default": settings_stores.redis_cache(
            location=REDIS_URL, key_prefix=prefix, timeout=0.5, topology_options={}
        )
    }
    _forget_what_was_cached()
    client = get_redis_connection("default")
    yield client
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    _forget_what_was_cached()


def _forget_what_was_cached() -> None:
    """Drop the per-process memos of the configuration (the Redis client, the engine, the breaker)."""
    snapshots._redis.cache_clear()
    base.configured_engine.cache_clear()
    redis_health.reset()


class FakeClock:
    """A monotonic clock that moves only when told to (or when something sleeps on it)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The fake clock, as the breaker's clock and as ``time`` in cached_db's trust."""
    from sessions_api.backends.cached_db import trust

    fake = FakeClock()
    monkeypatch.setattr(Breaker, "clock", staticmethod(fake.monotonic))
    monkeypatch.setattr(trust, "time", fake)
    monkeypatch.setattr(trust, "_process", trust._Process())
    return fake
