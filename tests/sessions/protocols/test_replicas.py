"""``REDIS_MIN_REPLICAS`` on a Redis Cluster: a write and its WAIT go to the primary that holds the key,
also the first write after a failover this process has not seen yet (its slot map names the dead one)."""

from __future__ import annotations

from pathlib import Path

from redis.cluster import RedisCluster

from api_project import redis_replicas
from tests.support.stores import wait_until
from tests.support.topologies import RedisClusterNodes

KEY = "protocols:{failover}:count"


def test_the_first_write_after_a_failover_reaches_the_elected_primary(settings, tmp_path: Path):
    settings.REDIS_MIN_REPLICAS, settings.REDIS_TIMEOUT_SECONDS = 1, 1.0
    cluster = RedisClusterNodes(tmp_path).start()
    try:
        with RedisCluster.from_url(cluster.url) as client:
            owner = client.get_node_from_key(KEY)
            assert client.incr(KEY) == 1
            assert owner.redis_connection.wait(1, 5000) == 1  # the replica holds the count
            next(node for node in cluster.live() if node.port == owner.port).kill()
            wait_until(cluster.whole, 20, "a replica elected in the killed primary's place")

            # The elected primary lost its own replica with the kill, so no WAIT can be met: whether
            # the write reached it is the question here, not whether it was replicated.
            answers = redis_replicas.pipeline(client, KEY, lambda pipe: pipe.incr(KEY), wrote=lambda _: False)
            assert answers == [2]
            assert client.get_node_from_key(KEY).port != owner.port
    finally:
        cluster.stop()
