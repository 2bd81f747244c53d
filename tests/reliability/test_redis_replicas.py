"""``REDIS_MIN_REPLICAS=1``: a replica cut off turns the writes that need it into quick 503s, never a loss.

A primary and a replica whose replication link runs through the tests' TCP proxy: cutting the proxy is
a partition between them that neither sees as a restart. While it holds, the writes the guarantees rest
on (a session write, a logout, a revocation, a login's throttle reservation) answer 503 within the
Redis timeout, and reads are served; every write that was answered 2xx, before or after, is on the
replica at the moment of the answer. On a cluster, a stopped replica fails the writes to its own
primary's slots only: the WAIT goes to the node that took the write.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from api_project.redis_layout import tagged_session_name
from tests.support.clients import HeaderClient, new_username, register
from tests.support.proxy import TcpProxy
from tests.support.server import Databases, LiveServer, service_env
from tests.support.services import require_postgres, unique_name
from tests.support.stores import wait_until
from tests.support.topologies import RedisClusterNodes, RedisNode, replica_acknowledges

pytestmark = pytest.mark.serial  # bounds a request's time: not beside a busy neighbour

REDIS_TIMEOUT = 0.5  # REDIS_TIMEOUT_SECONDS: the WAIT gives up at 0.8 of it
ANSWER_WITHIN = REDIS_TIMEOUT + 1.0  # the 503's bound: the timeout and a busy machine's margin
SESSION_KEYS = "{prefix}:1:django.contrib.sessions.cache*"


def start_service(workdir: Path, databases: Databases, redis_env: dict[str, str], prefix: str) -> LiveServer:
    require_postgres()
    env = {
        "SESSION_ENGINE": "cache",
        "DATABASE_URL": databases.postgres_url(),
        "CACHE_KEY_PREFIX": prefix,
        "REDIS_MIN_REPLICAS": "1",
        "REDIS_TIMEOUT_SECONDS": str(REDIS_TIMEOUT),
        **redis_env,
    }
    return LiveServer(service_env(env), workdir / f"{prefix}.log").start()


class Pair:
    """A primary and its replica, replicating through a proxy that can be cut."""

    def __init__(self, root: Path) -> None:
        quick = ["repl-timeout 2", "repl-ping-replica-period 1"]  # a cut link is noticed in 2 s
        self.primary = RedisNode(root, quick).start()
        self.link = TcpProxy(self.primary.port).start()
        self.replica = RedisNode(root, [*quick, f"replicaof 127.0.0.1 {self.link.port}"]).start()
        wait_until(self.linked, 20, "the replica's sync through the proxy")
        wait_until(
            lambda: replica_acknowledges(self.primary.client()), 20, "writes acknowledged by the replica"
        )

    def linked(self) -> bool:
        try:
            return self.replica.client().info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False

    def stop(self) -> None:
        self.link.stop()
        self.replica.kill()
        self.primary.kill()


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    started = Pair(tmp_path)
    yield started
    started.stop()


def raw(node: RedisNode) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=node.port, socket_timeout=2)  # sessions are bytes


def sessions(client: redis.Redis, prefix: str) -> dict[bytes, bytes]:
    return {key: client.get(key) for key in client.keys(SESSION_KEYS.format(prefix=prefix))}  # type: ignore[misc]


def generations(client: redis.Redis, prefix: str) -> dict[bytes, bytes]:
    return {key: client.get(key) for key in client.keys(f"{prefix}:snap:*:gen")}  # type: ignore[misc]


def timed(call):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_cut_off_replica_makes_writes_503_within_the_timeout_and_nothing_unreplicated_is_acknowledged(
    pair: Pair, databases: Databases, tmp_path: Path
):
    prefix = unique_name("wait")
    redis_env = {"REDIS_URL": f"redis://127.0.0.1:{pair.primary.port}/0"}
    server = start_service(tmp_path, databases, redis_env, prefix)
    primary, replica = raw(pair.primary), raw(pair.replica)

    def replica_holds_every_session() -> None:
        """Right after an acknowledged write, with no other traffic: the replica already has it.

        Every session the primary holds, as it holds it, and every drop of an auth check's copy (its
        generation). A deleted session may linger on the replica: the registry refuses it.
        """
        on_primary, on_replica = sessions(primary, prefix), sessions(replica, prefix)
        assert {key: on_replica.get(key) for key in on_primary} == on_primary
        assert generations(replica, prefix) == generations(primary, prefix)

    try:
        names = [new_username("wait") for _ in range(3)]
        for name in names:
            assert register(server.url, name).status_code == 201
        clients = []
        for name in names:
            client = HeaderClient(server.url)
            assert client.login(name).status_code == 200
            replica_holds_every_session()
            clients.append(client)
        writer, leaver, revoked = clients
        assert writer.put("/session/data/before", json={"value": 1}).status_code == 201
        replica_holds_every_session()
        second = HeaderClient(server.url)
        assert second.login(names[2]).status_code == 200
        revoked_id = revoked.get("/auth/session").json()["session"]["id"]

        pair.link.blackhole()
        cut: dict[str, tuple[int, float]] = {}
        for what, call in {
            "session write": lambda: writer.put("/session/data/during", json={"value": 2}),
            "logout": lambda: leaver.post("/auth/logout"),
            "revocation": lambda: second.delete(f"/sessions/{revoked_id}"),
            "login": lambda: HeaderClient(server.url).login(names[0]),
        }.items():
            response, took = timed(call)
            cut[what] = (response.status_code, took)
            assert response.status_code == 503, (what, response.status_code, response.text)
            assert response.json()["code"] == "service_unavailable"
            assert took < ANSWER_WITHIN, (what, took)
        # Reads need no replica: the sessions are served during the cut, the revoked one included
        # (its revocation was refused).
        for client in (writer, leaver, revoked):
            assert client.get("/auth/session").status_code == 200
        assert writer.get("/session/data").json()["data"]["before"] == 1

        wait_until(lambda: not pair.linked(), 20, "the replica to give the cut link up")
        pair.link.heal()
        wait_until(pair.linked, 30, "the replica to sync again")
        healed_after = time.monotonic()
        wait_until(
            lambda: writer.put("/session/data/after", json={"value": 3}).status_code == 201,
            10,
            "session writes acknowledged again",
        )
        served_after = time.monotonic() - healed_after
        replica_holds_every_session()
        assert leaver.post("/auth/logout").status_code == 204
        replica_holds_every_session()
        assert second.delete(f"/sessions/{revoked_id}").status_code == 204
        assert revoked.get("/auth/session").status_code == 401
        print(
            "cut: "
            + ", ".join(f"{what} {code} in {took * 1000:.0f} ms" for what, (code, took) in cut.items()),
            f"; writes acknowledged {served_after:.2f}s after the replica synced again",
            end=" ",
        )
    finally:
        server.stop()


def test_on_a_cluster_the_wait_goes_to_the_node_that_took_the_write(databases: Databases, tmp_path: Path):
    cluster = RedisClusterNodes(tmp_path).start()
    prefix = unique_name("wait")
    server = start_service(tmp_path, databases, {"REDIS_CLUSTER": "1", "REDIS_URL": cluster.url}, prefix)
    stopped: RedisNode | None = None
    try:
        clients = []
        for _ in range(12):  # sessions of 12 users, spread over the three primaries' slots
            name = new_username("wait")
            assert register(server.url, name).status_code == 201
            client = HeaderClient(server.url)
            assert client.login(name).status_code == 200
            assert client.put("/session/data/before", json={"value": 1}).status_code == 201
            clients.append(client)
        # Stop one primary's replica (SIGSTOP: connected, silent). Only that primary's writes fail.
        primary = cluster.primaries()[0]
        stopped = next(
            node
            for node in cluster.live()
            if node.client().info("replication")["role"] == "slave"
            and int(node.client().info("replication")["master_port"]) == primary.port
        )
        assert stopped.process is not None
        os.kill(stopped.process.pid, signal.SIGSTOP)
        owned = {key for key in primary.client().keys(SESSION_KEYS.format(prefix=prefix))}
        outcomes = {True: 0, False: 0}
        for client in clients:
            name = tagged_session_name(client.token or "")
            on_stopped = f"{prefix}:1:django.contrib.sessions.cache{name}" in owned
            response, took = timed(lambda c=client: c.put("/session/data/during", json={"value": 2}))
            assert response.status_code == (503 if on_stopped else 201), (on_stopped, response.text)
            assert took < ANSWER_WITHIN + REDIS_TIMEOUT, took  # one redis-py retry of a cluster read at most
            outcomes[on_stopped] += 1
        assert outcomes[True] and outcomes[False], outcomes  # both kinds seen (12 random keys, 3 nodes)
    finally:
        if stopped is not None and stopped.process is not None:
            os.kill(stopped.process.pid, signal.SIGCONT)
        server.stop()
        cluster.stop()
