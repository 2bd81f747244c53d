"""The one piece django-redis lacks: a connection factory that gives its client a Redis Cluster.

django-redis's ``DefaultClient`` asks its factory for a client per server URL and then calls plain
commands on it; redis-py's ``RedisCluster`` answers those commands, routing each by its keys' slot and
following the cluster's own changes (``MOVED``, failovers). So this factory only builds one
``RedisCluster`` per process and URL (any one node: the others are discovered) with our timeouts.
Sentinel needs nothing of ours: django-redis's ``SentinelConnectionFactory`` with ``DefaultClient`` and
one ``LOCATION`` always talks to the master (settings.py).
"""

from __future__ import annotations

import threading
from typing import Any

from django_redis.pool import ConnectionFactory
from redis.backoff import ExponentialWithJitterBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

# A few quick retries while the cluster moves a slot or elects a primary; past them the request is a
# 503 (the contract allows that during a failover), not a wait of several seconds.
RETRIES = 3
BACKOFF = ExponentialWithJitterBackoff(base=0.02, cap=0.2)
_CONNECTION_KEYS = ("socket_timeout", "socket_connect_timeout", "username", "password", "retry_on_timeout")


class ClusterConnectionFactory(ConnectionFactory):  # type: ignore[type-arg]
    _clusters: dict[str, RedisCluster] = {}
    _lock = threading.Lock()

    def get_connection(self, params: dict[str, Any]) -> Any:
        """Return this process's ``RedisCluster`` for the URL, made on first use."""
        url = params["url"]
        with self._lock:
            if url not in self._clusters:
                given = {**params, **self.pool_cls_kwargs}
                kwargs = {key: given[key] for key in _CONNECTION_KEYS if given.get(key) is not None}
                self._clusters[url] = RedisCluster.from_url(url, retry=Retry(BACKOFF, RETRIES), **kwargs)
            return self._clusters[url]

    def disconnect(self, connection: Any) -> None:
        connection.disconnect_connection_pools()
