"""The one store-health breaker: open after a Redis error, closed again after its cooldown."""

from __future__ import annotations

import pytest
from django.core.signals import request_started
from django_redis import get_redis_connection
from redis.exceptions import ConnectionError as RedisConnectionError

from api_project import settings_stores
from api_project.store_health import COOLDOWN, Breaker, redis_health
from sessions_api import snapshots
from sessions_api.backends import base
from tests.support.proxy import TcpProxy

ENTRY_ID, USER_ID = "breaker-entry", "8"


def test_the_breaker_opens_on_an_error_and_closes_after_each_users_cooldown(clock):
    breaker = Breaker()
    assert not breaker.open("auth_copies")
    breaker.trip(RedisConnectionError(), "test")
    assert breaker.open("auth_copies") and breaker.open("session_cache")

    clock.advance(COOLDOWN["session_cache"] - 0.01)
    assert breaker.open("session_cache")
    clock.advance(0.02)
    assert not breaker.open("session_cache") and breaker.open("auth_copies")

    clock.advance(COOLDOWN["auth_copies"] - COOLDOWN["session_cache"])
    assert not breaker.open("auth_copies")


def test_a_failure_in_a_request_is_forgotten_when_the_next_request_starts(clock):
    redis_health.reset()
    redis_health.trip(RedisConnectionError(), "test")
    assert redis_health.failed_in_this_request()
    request_started.send(sender=None)
    assert not redis_health.failed_in_this_request()
    redis_health.reset()


@pytest.fixture
def proxied_copies(redis, settings, transactional_db):
    """The auth copies on, through a TCP proxy in front of the real Redis that the test can cut."""
    proxy = TcpProxy(redis.connection_pool.connection_kwargs["port"]).start()
    location = proxy.url(path=f"/{redis.connection_pool.connection_kwargs['db']}")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    settings.CACHES = {
        "default": settings_stores.redis_cache(
            location=location, key_prefix=prefix, timeout=0.5, topology_options={}
        )
    }
    settings.SESSION_ENGINE = settings.SESSION_ENGINES["file"]
    snapshots._redis.cache_clear()
    base.configured_engine.cache_clear()
    yield proxy
    snapshots._redis.cache_clear()
    get_redis_connection("default").connection_pool.disconnect()
    proxy.stop()


def test_after_a_redis_error_the_copies_are_left_alone_until_the_cooldown_ends(proxied_copies, redis, clock):
    loads: list[int] = []

    def load() -> dict:
        loads.append(1)
        return {"id": ENTRY_ID}

    request = snapshots.Request(
        snapshots.ENTRY, ENTRY_ID, snapshots.keys_of(snapshots.ENTRY, ENTRY_ID, USER_ID), load
    )
    proxied_copies.blackhole()
    assert snapshots.get_many([request]) == [{"id": ENTRY_ID}]  # a timeout: served from the database
    assert redis_health.open("auth_copies")

    proxied_copies.heal()
    clock.advance(COOLDOWN["auth_copies"] - 0.1)
    assert snapshots.get_many([request]) == [{"id": ENTRY_ID}]
    assert redis.get(request.keys[0]) is None  # Redis answers again, but was left alone

    clock.advance(0.2)
    assert snapshots.get_many([request]) == [{"id": ENTRY_ID}]
    assert redis.get(request.keys[0]) is not None  # tried again after the cooldown: the copy is filled
    assert snapshots.get_many([request]) == [{"id": ENTRY_ID}]
    assert len(loads) == 3  # the last read was served from the copy
