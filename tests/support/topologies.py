"""Distributed Redis a test owns: a 6-node Cluster and a Sentinel group, on free loopback ports.

Every process is a ``redis-server`` of ours, in a temporary directory of its own, stopped by its PID;
waits poll the port or ask the servers, never sleep a fixed time. Neither keeps data on disk.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import redis
from redis.cluster import RedisCluster
from redis.sentinel import Sentinel

from api_project import redis_layout
from tests.support.services import free_port, port_open
from tests.support.stores import missing_tool, wait_until

NODE_TIMEOUT_MS = 2000  # cluster-node-timeout: a killed primary is replaced in about 3.5 s
DOWN_AFTER_MS = 1000  # sentinel down-after-milliseconds: a killed primary is replaced in about 2.2 s
MASTER_NAME = "sessauth"


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing_tool(name)
    return found


class RedisNode:
    """One ``redis-server`` (or sentinel) with its config file in a directory of its own."""

    def __init__(self, root: Path, lines: list[str], sentinel: bool = False) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=f"redis-{self.port}-", dir=root))
        self.sentinel = sentinel
        common = [f"port {self.port}", "bind 127.0.0.1", f'dir "{self.dir}"', "daemonize no"]
        common += ["loglevel warning", f'logfile "{self.dir / "redis.log"}"']
        if not sentinel:
            common += ['save ""', "appendonly no", "repl-diskless-sync-delay 0"]
        self.config = self.dir / "redis.conf"
        self.config.write_text("\n".join(common + lines) + "\n")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisNode:
        command = [_binary("redis-server"), str(self.config), *(["--sentinel"] if self.sentinel else [])]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open("127.0.0.1", self.port), 10, f"redis-server on port {self.port}")
        return self

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2, decode_responses=True)

    def kill(self) -> None:
        """SIGKILL by PID: an abrupt death, nothing flushed or handed over."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def log_tail(self) -> str:
        try:
            return (self.dir / "redis.log").read_text(errors="replace")[-1500:]
        except OSError:
            return ""


class RedisClusterNodes:
    """Three primaries and three replicas formed by ``redis-cli --cluster create``."""

    def __init__(self, root: Path) -> None:
        self.nodes = [RedisNode(root, self._node_lines()) for _ in range(6)]

    @staticmethod
    def _node_lines() -> list[str]:
        # The bus port is chosen too: port + 10000 may be taken, or past 65535.
        return [
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            f"cluster-node-timeout {NODE_TIMEOUT_MS}",
            f"cluster-port {free_port()}",
        ]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.nodes[0].port}/0"

    def start(self) -> RedisClusterNodes:
        for node in self.nodes:
            node.start()
        addresses = [f"127.0.0.1:{node.port}" for node in self.nodes]
        subprocess.run(
            [
                _binary("redis-cli"),
                "--cluster",
                "create",
                *addresses,
                "--cluster-replicas",
                "1",
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        wait_until(self.healthy, 30, "the Redis Cluster to be formed, each primary with a synced replica")
        return self

    def healthy(self) -> bool:
        """Tell whether every live node sees the cluster ok and every replica is in sync.

        In sync as the service needs it: each primary's writes acknowledged (``replica_acknowledges``).
        """
        replicas, all_six = 0, len(self.live()) == 6
        for node in self.live():
            client = node.client()
            try:
                if client.cluster("info").get("cluster_state") != "ok":  # type: ignore[union-attr]
                    return False
                info = client.info("replication")
            except redis.RedisError:
                return False
            if info["role"] == "slave":
                if info.get("master_link_status") != "up":
                    return False
                replicas += 1
            elif all_six and not _cluster_replica_acknowledges(client):
                return False
        return replicas >= 3 or not all_six

    def whole(self) -> bool:
        """Tell whether the cluster is healthy with three primaries again (after a failover's election)."""
        try:
            return self.healthy() and len(self.primaries()) == 3
        except Exception:  # a node answering oddly mid-election
            return False

    def live(self) -> list[RedisNode]:
        return [node for node in self.nodes if node.process is not None]

    def primaries(self) -> list[RedisNode]:
        return [node for node in self.live() if node.client().info("replication")["role"] == "master"]

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()


def replica_acknowledges(primary: redis.Redis, key: str = "replicated") -> bool:
    """Tell whether a write to this primary is acknowledged by a replica (SET, then WAIT).

    A replica can report its link up while a write to its primary still gets no acknowledgement from
    it; a service under ``REDIS_MIN_REPLICAS`` would answer that write 503. Fixtures wait for this.
    """
    pipe = primary.pipeline(transaction=False)  # one connection: WAIT counts that connection's writes
    pipe.set(key, "1", ex=60)
    pipe.wait(1, 200)
    try:
        return pipe.execute()[1] >= 1
    except redis.RedisError:
        return False


def _cluster_replica_acknowledges(primary: redis.Redis) -> bool:
    """``replica_acknowledges`` for a cluster primary: the key lies in its own slots."""
    try:
        nodes = primary.cluster("nodes").values()  # type: ignore[union-attr]
    except redis.RedisError:  # a node answering oddly mid-election
        return False
    mine = next(node for node in nodes if "myself" in node["flags"])
    return replica_acknowledges(
        primary, "{" + redis_layout.slot_tag(int(mine["slots"][0][0])) + "}replicated"
    )


class SentinelGroup:
    """One primary, one replica and three sentinels watching them (quorum 2)."""

    def __init__(self, root: Path) -> None:
        self.primary = RedisNode(root, [])
        self.replica = RedisNode(root, [f"replicaof 127.0.0.1 {self.primary.port}"])
        watch = [
            "sentinel resolve-hostnames no",
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.primary.port} 2",
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MS}",
            f"sentinel failover-timeout {MASTER_NAME} 10000",
            f"sentinel parallel-syncs {MASTER_NAME} 1",
        ]
        self.sentinels = [RedisNode(root, watch, sentinel=True) for _ in range(3)]

    @property
    def sentinels_setting(self) -> str:
        return ",".join(f"127.0.0.1:{node.port}" for node in self.sentinels)

    def start(self) -> SentinelGroup:
        for node in [self.primary, self.replica, *self.sentinels]:
            node.start()
        wait_until(self.ready, 30, "the sentinels to know the primary, its replica and each other")
        return self

    def ready(self) -> bool:
        for node in self.sentinels:
            client = node.client()
            try:
                replicas, others = client.sentinel_slaves(MASTER_NAME), client.sentinel_sentinels(MASTER_NAME)
            except redis.RedisError:
                return False
            if not replicas or not isinstance(others, list) or len(others) < 2:
                return False
        try:
            linked = self.replica.client().info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False
        return linked and replica_acknowledges(self.primary.client())

    def master_port(self) -> int | None:
        """Return the port the sentinels name as the primary now (None while they cannot say)."""
        try:
            found = self.sentinels[0].client().sentinel_get_master_addr_by_name(MASTER_NAME)
        except redis.RedisError:
            return None
        return int(found[1]) if isinstance(found, tuple) else None

    def stop(self) -> None:
        for node in [*self.sentinels, self.replica, self.primary]:
            node.kill()


def keys_matching(env: dict[str, str], pattern: str) -> list[str]:
    """Return the keys matching ``pattern`` in the Redis a service with this environment uses."""
    if env.get("REDIS_CLUSTER") == "1":
        cluster = RedisCluster.from_url(env["REDIS_URL"], decode_responses=True)
        try:
            return [str(key) for key in cluster.keys(pattern, target_nodes=RedisCluster.PRIMARIES)]
        finally:
            cluster.close()
    if env.get("REDIS_SENTINELS"):
        sentinels = [
            (host, int(port)) for host, port in (s.split(":") for s in env["REDIS_SENTINELS"].split(","))
        ]
        client = Sentinel(sentinels).master_for(env["REDIS_SENTINEL_MASTER"], decode_responses=True)
    else:
        client = redis.Redis.from_url(env["REDIS_URL"], decode_responses=True)
    with client:
        return list(client.keys(pattern))  # type: ignore[arg-type]
