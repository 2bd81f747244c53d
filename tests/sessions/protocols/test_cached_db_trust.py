"""cached_db's trust: a write Redis missed is never hidden by an older copy, across the cut and the heal."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django_redis.cache import RedisCache

from sessions_api.backends.cached_db import trust
from sessions_api.models import CacheEpoch
from tests.support.services import free_port


def _key_of(epoch: int) -> str:
    return f"trust-protocol:{epoch}"


@pytest.fixture
def live(redis, settings, transactional_db, clock):
    """Redis as cached_db uses it, every clock of the protocol fake."""
    settings.SESSION_ENGINE = settings.SESSION_ENGINES["cached_db"]
    return caches[settings.SESSION_CACHE_ALIAS]


@pytest.fixture
def unreachable():
    """A Redis cache no write can reach (nothing listens on its port)."""
    options = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    return RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": options})


def test_a_trust_lasts_at_most_a_lease_once_another_process_records_a_doubt(live, clock):
    held = trust.current()
    assert held is not None and held.epoch == 0
    CacheEpoch.objects.filter(pk=1).update(dirty="another-process")  # a write elsewhere missed Redis

    clock.advance(trust.LEASE / 4 + 0.01)
    assert trust.current() is None
    clock.advance(trust.LEASE)
    assert trust.cache_get(live, held, _key_of) is None  # the trust in hand has run out too


def test_after_a_write_redis_missed_the_older_copy_is_abandoned_under_a_new_epoch(live, unreachable, clock):
    before = trust.current()
    assert before is not None
    trust.cache_fill(live, before, _key_of, "older copy", 60)
    assert trust.cache_get(live, before, _key_of) == "older copy"

    written = trust.cache_write(unreachable, _key_of, "newer, in the database only", 60)
    assert written.episode and CacheEpoch.objects.get(pk=1).dirty == written.episode
    assert trust.current() is None  # Redis left alone after the error

    clock.advance(1.1)  # the breaker has closed and Redis answers, but the episode is still open
    assert trust.current() is None
    assert trust.cache_get(live, before, _key_of) is None

    started = clock.now
    written.settle()  # the write is acknowledged once every older trust has run out
    assert clock.now - started >= trust.LEASE + trust.MARGIN - 0.01

    after = trust.current()
    assert after is not None and after.epoch == before.epoch + 1
    assert trust.cache_get(live, after, _key_of) is None  # served from the database, never the older copy
    assert CacheEpoch.objects.get(pk=1).dirty == ""
