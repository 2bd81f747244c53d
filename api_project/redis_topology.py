"""Which Redis the service talks to: one server, a Sentinel-managed primary, or a Cluster.

Chosen by settings alone (docs/configuration.md); the result is Django's ``CACHES["default"]``, so every
caller (the session engines, the auth copies, the throttle, the health check) gets the same client from
``django_redis.get_redis_connection`` whatever the topology. Read by settings.py: imports nothing of
Django's. Following a failover is redis-py's work: ``Sentinel`` asks the sentinels, ``RedisCluster``
follows ``MOVED``; only one Redis behind an endpoint that a failover moves needs the help below.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from redis.connection import Connection, SSLConnection
from redis.exceptions import ReadOnlyError

CLUSTER_FACTORY = "api_project.redis_clients.ClusterConnectionFactory"
SENTINEL_FACTORY = "django_redis.pool.SentinelConnectionFactory"


class _DropOnReadOnly(Connection):
    """Drop the connection when the server answers READONLY, so that the next one finds the primary.

    Behind one endpoint (a DNS name or a proxy that a failover moves), pooled connections still reach
    the demoted primary, now a replica: each would answer READONLY for as long as it lives. The
    answer is still a store error (a 503); the connection that gave it is not reused.
    """

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except ReadOnlyError:  # a command, or a script at its first write
            self.disconnect()
            raise


class PrimaryConnection(_DropOnReadOnly):
    pass


class PrimarySSLConnection(_DropOnReadOnly, SSLConnection):
    pass


class TopologyError(ValueError):
    """The Redis settings contradict each other; the message says what to set."""


def sentinel_location(url: str, master: str) -> str:
    """Return django-redis's sentinel ``LOCATION``: the master's name in place of the host of ``url``."""
    parts = urlsplit(url or "redis://")
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@{master}" if credentials else master
    return urlunsplit((parts.scheme or "redis", netloc, parts.path or "/0", parts.query, ""))


def parse_sentinels(entries: list[str]) -> list[tuple[str, int]]:
    """Return ``host:port`` entries as (host, port) pairs ("[::1]:26379" for IPv6)."""
    pairs = []
    for entry in entries:
        host, _, port = entry.strip().rpartition(":")
        if not host or not port.isdigit():
            raise TopologyError(f"REDIS_SENTINELS entry {entry!r} is not host:port.")
        pairs.append((host.strip("[]"), int(port)))
    return pairs


def location_and_options(
    *, url: str, cluster: bool, sentinels: list[str], master: str
) -> tuple[str, dict[str, Any]]:
    """Return the cache's ``LOCATION`` and the ``OPTIONS`` that pick the topology's client."""
    if cluster and sentinels:
        raise TopologyError("Set REDIS_CLUSTER or REDIS_SENTINELS, not both.")
    if sentinels:
        if not master:
            raise TopologyError("REDIS_SENTINELS needs REDIS_SENTINEL_MASTER, the name they monitor.")
        options = {"CONNECTION_FACTORY": SENTINEL_FACTORY, "SENTINELS": parse_sentinels(sentinels)}
        return sentinel_location(url, master), options
    if master:
        raise TopologyError("REDIS_SENTINEL_MASTER needs REDIS_SENTINELS.")
    if cluster:
        if not url:
            raise TopologyError("REDIS_CLUSTER=1 needs REDIS_URL naming one node of the cluster.")
        if urlsplit(url).path.strip("/") not in ("", "0"):
            raise TopologyError("A Redis Cluster has database 0 only: drop it from REDIS_URL.")
        return url, {"CONNECTION_FACTORY": CLUSTER_FACTORY}
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        connection = PrimarySSLConnection if scheme == "rediss" else PrimaryConnection
        return url, {"CONNECTION_POOL_KWARGS": {"connection_class": connection}}
    return url, {}


def check_key_prefix(prefix: str) -> None:
    """Refuse a prefix with a brace: it would move every key's hash tag (api_project/redis_layout.py)."""
    if "{" in prefix or "}" in prefix:
        raise TopologyError("CACHE_KEY_PREFIX may not contain { or }.")
