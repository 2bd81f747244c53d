"""``REDIS_MIN_REPLICAS``: a write the guarantees rest on is acknowledged only once replicas hold it too.

Redis replicates asynchronously: a primary that dies before its replicas copied a write takes the write
with it, and the replica promoted in its place has never seen it. A logout or a revocation would come
back, a compare-and-set session write would roll back, a throttle count would vanish. With
``REDIS_MIN_REPLICAS=n`` (default 0: no wait, as before) the writes those guarantees rest on are each
followed by ``WAIT n <ms>`` on the same connection: they are sent together in one pipeline (no
transaction), so one connection carries the write and the WAIT, and the WAIT counts the replicas that
hold that connection's writes. Fewer than ``n`` within the wait (a replica gone, cut off or lagging) is
``NotReplicated``, a Redis error: the caller's store-failure path answers 503, never a silent loss.
The write itself did land on the primary; it is only not known to survive the primary.

The wait is a fraction of ``REDIS_TIMEOUT_SECONDS``, so that Redis answers it before the socket times
out. On a Redis Cluster the pipeline goes to the node that holds the key's slot (redis-py's own slot
map, ``get_node_from_key``): redis-py's cluster client would send a WAIT to every node, on connections
that made no write. The callers: ``sessions_api.snapshots`` (dropping the auth check's copies),
``sessions_api.backends.cache`` (the compare-and-set and creates of sessions),
``accounts.throttling`` (the reservations), ``sessions_api.backends.cached_db`` (every cache write: one
that is not acknowledged is a cache failure, which its trust machinery already handles).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.cluster import RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MovedError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api_project.errors import STORE_ERRORS

logger = logging.getLogger(__name__)

WAIT_SHARE = 0.5  # of REDIS_TIMEOUT_SECONDS: Redis answers a WAIT up to 100 ms (1/hz) late, and must
# still answer before the socket times out


class NotReplicated(RedisError):
    """Fewer replicas than ``REDIS_MIN_REPLICAS`` acknowledged a write within the wait."""


def required() -> int:
    """Return how many replicas must acknowledge a write (0: none, no WAIT is sent)."""
    return int(getattr(settings, "REDIS_MIN_REPLICAS", 0) or 0)


def wait_ms() -> int:
    """Return the WAIT's timeout in milliseconds (never 0, which would wait forever)."""
    return max(1, int(settings.REDIS_TIMEOUT_SECONDS * 1000 * WAIT_SHARE))


def script(
    run: Any,
    *,
    keys: Sequence[Any],
    args: Sequence[Any],
    wait: bool = True,
    wrote: Callable[[Any], bool] | None = None,
) -> Any:
    """Call a redis-py ``Script`` (from ``register_script``); with ``REDIS_MIN_REPLICAS``, then WAIT.

    Return the script's answer. ``wait=False`` (a call that writes nothing that matters) runs it alone.
    ``wrote`` tells from the answer whether the script wrote: one that did not (a compare-and-set that
    found other bytes, a throttle that refused) is answered even without the replicas.
    """
    if not wait or not required():
        return run(keys=list(keys), args=list(args))

    def queue(pipe: Any) -> None:
        # EVAL, not EVALSHA: a NOSCRIPT (a new primary, a restart) would still run the WAIT behind
        # it, a wait for nothing. Redis compiles a script once and keeps it; only its bytes travel.
        pipe.eval(run.script, len(keys), *keys, *args)

    written = None if wrote is None else lambda answers: wrote(answers[0])
    return pipeline(run.registered_client, keys[0], queue, wrote=written)[0]


def pipeline(
    redis: Any, key: Any, queue: Callable[[Any], Any], wrote: Callable[[list[Any]], bool] | None = None
) -> list[Any]:
    """Send what ``queue`` puts in a pipeline, then WAIT, on one connection to the node holding ``key``.

    Return the queued commands' answers; raise the first error among them, or ``NotReplicated`` (unless
    ``wrote`` says from the answers that nothing was written).
    """
    needed = required()
    for attempt in range(2):  # a second only after the slot's owner changed
        node = _node_client(redis, key)
        try:
            with node.pipeline(transaction=False) as pipe:
                queue(pipe)
                pipe.wait(needed, wait_ms())
                *answers, acknowledged = pipe.execute(raise_on_error=False)
        except (RedisConnectionError, RedisTimeoutError):
            _refresh(redis)
            # A failover this process had not seen yet: the slot map named the dead primary. Send it to
            # the elected one, as redis-py's cluster client does with its own commands. Nothing was
            # acknowledged; a write that did land on the old primary is written again (a throttle
            # counts one attempt twice, a compare-and-set finds its own bytes and merges).
            if attempt == 0 and _node_client(redis, key) is not node:
                continue
            raise
        error = next((answer for answer in answers if isinstance(answer, Exception)), None)
        if isinstance(error, MovedError) and attempt == 0:
            _refresh(redis)  # the slot has a new owner (a failover): nothing was written, send it there
            continue
        if error is not None:
            raise error
        if isinstance(acknowledged, Exception):
            raise acknowledged
        if acknowledged < needed and (wrote is None or wrote(answers)):
            logger.warning("Redis write not acknowledged by %s replicas (%s did)", needed, acknowledged)
            raise NotReplicated(f"{acknowledged} of {needed} replicas acknowledged the write")
        return answers
    raise error  # type: ignore[misc]  # the second attempt failed as the first did


def _node_client(redis: Any, key: Any) -> Any:
    """Return the client of the one server that holds ``key``: the node of its slot on a cluster."""
    if isinstance(redis, RedisCluster):
        return redis.get_redis_connection(redis.get_node_from_key(key))
    return redis


def _refresh(redis: Any) -> None:
    """After a node failed or a slot moved, have redis-py read the cluster's slot map again."""
    if not isinstance(redis, RedisCluster):
        return
    try:
        redis.nodes_manager.initialize()
    except STORE_ERRORS as exc:  # the cluster is electing: the caller's own error is the answer
        logger.info("Redis Cluster slot map not refreshed: %s", exc.__class__.__name__)


def cache(django_cache: Any) -> Any:
    """Return a django-redis cache whose ``set`` and ``add`` wait for the replicas.

    Deletes do not wait: what ends a session is its registry entry, in the database, and the drop of
    its cached copy, which waits (``sessions_api.snapshots``); session data that a failover brings back
    has no entry and is refused. A delete that waited would turn the clean-up of a session already
    ended into a 503 whenever a replica is missing.

    The cache itself when nothing is to wait for (``REDIS_MIN_REPLICAS=0``, or not a Redis cache).
    """
    if not required() or not hasattr(getattr(django_cache, "client", None), "get_client"):
        return django_cache
    return _ReplicatedCache(django_cache)


class _ReplicatedCache:
    """A django-redis cache whose sets go through ``pipeline``: the same encoding and keys, then WAIT."""

    def __init__(self, django_cache: Any) -> None:
        self._cache = django_cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        def queue(pipe: Any) -> None:
            self._cache.client.set(key, value, timeout, version, client=pipe)

        self._write(key, version, queue)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        def queue(pipe: Any) -> None:
            self._cache.client.set(key, value, timeout, version, client=pipe, nx=True)

        # A key that exists already was not written: that answer needs no replica.
        return bool(self._write(key, version, queue, wrote=lambda answers: bool(answers[0]))[0])

    def _write(
        self, key: str, version: int | None, queue: Callable[[Any], Any], wrote: Any = None
    ) -> list[Any]:
        client = self._cache.client
        return pipeline(client.get_client(write=True), client.make_key(key, version=version), queue, wrote)
