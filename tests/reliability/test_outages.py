"""Store outages: 503 within a second while a store is gone, recovery without a restart, no stale reads.

Each test owns the store it breaks (a redis-server behind a cuttable proxy, or a PostgreSQL cluster),
stops it by PID or cuts the proxy, and restores it before it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.support.clients import HeaderClient, new_username, register
from tests.support.proxy import TcpProxy
from tests.support.server import LiveServer
from tests.support.stores import PostgresCluster, RedisServer

# Each test bounds how long an answer takes (503 within a second): run alone, not beside another worker.
pytestmark = pytest.mark.serial

# Workers of a live server each keep their own Redis and PostgreSQL connections; a few requests in a
# row reach both of them (gunicorn hands connections out to whichever worker accepts first).
ROUNDS = 12


def timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def assert_unavailable_within_a_second(call: Callable[[], httpx.Response]) -> None:
    response, elapsed = timed(call)
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "service_unavailable"
    assert response.headers["Retry-After"] == "2"  # clients know when to try again
    assert "Traceback" not in response.text
    assert elapsed < 1.0, f"503 took {elapsed:.2f}s"


def health(server: LiveServer) -> httpx.Response:
    return httpx.get(server.url + "/api/v1/health", timeout=10)


def assert_health_names(server: LiveServer, failed: str, **others: str) -> None:
    response, elapsed = timed(lambda: health(server))
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["status"] == "unavailable" and body["code"] == "service_unavailable"
    assert response.headers["Retry-After"] == "2"
    assert body["checks"][failed] == "unavailable"
    assert failed in body["detail"]
    for name, state in others.items():
        assert body["checks"][name] == state
    assert elapsed < 1.0


def assert_healthy(server: LiveServer) -> None:
    for _ in range(ROUNDS):
        response = health(server)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "ok"


def signed_in_client(server: LiveServer, name: str | None = None) -> HeaderClient:
    """A client logged in as ``name``, or as a user registered for it."""
    if name is None:
        name = new_username("outage")
        assert register(server.url, name).status_code == 201
    client = HeaderClient(server.url)
    assert client.login(name).status_code == 200
    return client


@contextmanager
def redis_down(redis: RedisServer) -> Iterator[None]:
    redis.stop()
    try:
        yield
    finally:
        redis.start()


@contextmanager
def partition(proxy: TcpProxy) -> Iterator[None]:
    proxy.blackhole()
    try:
        yield
    finally:
        proxy.heal()


@contextmanager
def postgres_down(cluster: PostgresCluster) -> Iterator[None]:
    cluster.stop()
    try:
        yield
    finally:
        cluster.start()


# --- the cache engine: Redis is the only store of sessions ------------------------------------


def test_cache_engine_answers_503_within_a_second_while_redis_is_down_then_recovers(cache_server, own_redis):
    client = signed_in_client(cache_server)
    assert client.put("/session/data/cart", json={"value": [1]}).status_code == 201
    with redis_down(own_redis):
        for _ in range(3):
            assert_unavailable_within_a_second(lambda: client.get("/auth/session"))
            assert_unavailable_within_a_second(lambda: client.get("/session/data"))
            assert_unavailable_within_a_second(lambda: client.put("/session/data/k", json={"value": 1}))
            assert_unavailable_within_a_second(lambda: HeaderClient(cache_server.url).login("anyone"))
    # Redis came back empty (no persistence): the old session is gone, everything else works at once.
    for _ in range(ROUNDS):
        assert client.get("/auth/session").status_code == 401
    assert signed_in_client(cache_server).get("/auth/session").status_code == 200


def test_cache_engine_answers_503_within_a_second_through_a_partition_and_keeps_its_sessions(
    cache_server, redis_proxy
):
    client = signed_in_client(cache_server)
    assert client.put("/session/data/cart", json={"value": [1]}).status_code == 201
    with partition(redis_proxy):
        for _ in range(2):
            assert_unavailable_within_a_second(lambda: client.get("/auth/session"))
            assert_unavailable_within_a_second(lambda: client.put("/session/data/k", json={"value": 1}))
            assert_unavailable_within_a_second(lambda: HeaderClient(cache_server.url).login("anyone"))
    for _ in range(ROUNDS):
        assert client.get("/auth/session").status_code == 200
        assert client.get("/session/data/cart").json()["value"] == [1]


def test_health_names_the_cache_while_redis_is_down_and_turns_200_again(cache_server, own_redis):
    assert_healthy(cache_server)
    with redis_down(own_redis):
        for _ in range(3):
            assert_health_names(cache_server, "cache", database="ok")
    assert_healthy(cache_server)


# --- cached_db: the database is the truth, Redis a cache that may go away ---------------------


def test_cached_db_serves_reads_and_writes_from_the_database_while_redis_is_down(cached_db_server, own_redis):
    client = signed_in_client(cached_db_server)
    assert client.put("/session/data/before", json={"value": "b"}).status_code == 201
    with redis_down(own_redis):
        for round_ in range(ROUNDS):
            response, elapsed = timed(lambda: client.get("/auth/session"))
            assert response.status_code == 200, response.text
            assert elapsed < 1.0
            assert client.get("/session/data/before").json()["value"] == "b"
            start = time.monotonic()
            response = client.put(f"/session/data/during-{round_}", json={"value": 1})
            elapsed = time.monotonic() - start
            assert response.status_code == 201, response.text
            assert elapsed < 2.0, f"a write took {elapsed:.2f}s"
        # Logins are refused rather than counted nowhere: the failure counts live in Redis.
        assert_unavailable_within_a_second(lambda: HeaderClient(cached_db_server.url).login("anyone"))
        assert_health_names(cached_db_server, "cache", database="ok")
    assert_healthy(cached_db_server)
    for _ in range(ROUNDS):
        data = client.get("/session/data").json()["data"]
        assert data == {"before": "b", **{f"during-{n}": 1 for n in range(ROUNDS)}}
    assert signed_in_client(cached_db_server).get("/auth/session").status_code == 200


def test_cached_db_shows_writes_made_during_a_partition_once_it_heals(cached_db_server, redis_proxy):
    client = signed_in_client(cached_db_server)
    other = signed_in_client(cached_db_server)
    assert client.put("/session/data/k", json={"value": "before"}).status_code == 201
    assert client.put("/session/data/gone", json={"value": 1}).status_code == 201
    assert other.put("/session/data/k", json={"value": "other"}).status_code == 201
    for _ in range(ROUNDS):  # every worker has read (and so cached) the session before the cut
        assert client.get("/session/data/k").json()["value"] == "before"
    other_token = other.credential
    with partition(redis_proxy):
        assert client.put("/session/data/k", json={"value": "during"}).status_code == 200
        assert client.delete("/session/data/gone").status_code == 204
        assert other.post("/auth/logout").status_code == 204
    # Redis kept its copies from before the cut; none of them may show.
    for _ in range(ROUNDS):
        assert client.get("/session/data").json()["data"] == {"k": "during"}
        other.replay_with(other_token)
        assert other.get("/auth/session").status_code == 401
        other.replay_with(other_token)
        assert other.get("/session/data").json()["data"] == {}


def signed_in_reads_and_writes_go_on(client) -> None:
    """ROUNDS of who am I and of a write of "k" (the round's number), each answered within a second."""
    for round_ in range(ROUNDS):
        response, elapsed = timed(lambda: client.get("/auth/session"))
        assert response.status_code == 200, response.text
        assert elapsed < 1.0, f"who-am-I took {elapsed:.2f}s"
        body = {"value": round_}
        response, elapsed = timed(lambda: client.put("/session/data/k", json=body))  # noqa: B023
        assert response.status_code == 200, response.text
        assert elapsed < 1.0, f"a write took {elapsed:.2f}s"


# --- db with Redis beside it: only the login throttle lives there ---------------------------------


def test_db_engine_serves_signed_in_requests_and_ends_sessions_through_a_redis_partition(
    db_redis_server, redis_proxy
):
    name = new_username("outage")
    assert register(db_redis_server.url, name).status_code == 201
    client = signed_in_client(db_redis_server, name)
    revoked = signed_in_client(db_redis_server, name)  # the same user on two other devices
    logged_out = signed_in_client(db_redis_server, name)
    revoked_id = revoked.get("/auth/session").json()["session"]["id"]
    assert client.put("/session/data/k", json={"value": "before"}).status_code == 201
    for _ in range(ROUNDS):
        for device in (client, revoked, logged_out):
            assert device.get("/auth/session").status_code == 200
    with partition(redis_proxy):
        signed_in_reads_and_writes_go_on(client)
        # The session, its registry entry and its user are all in the database: ending one needs no Redis.
        response, elapsed = timed(lambda: client.delete(f"/sessions/{revoked_id}"))
        assert response.status_code == 204, response.text
        assert elapsed < 1.0, f"a revocation took {elapsed:.2f}s"
        response, elapsed = timed(lambda: logged_out.post("/auth/logout"))
        assert response.status_code == 204, response.text
        assert elapsed < 1.0, f"a logout took {elapsed:.2f}s"
        for _ in range(ROUNDS):
            assert revoked.get("/auth/session").status_code == 401
            assert logged_out.get("/auth/session").status_code == 401
        # The login throttle counts in Redis, and never fails open.
        assert_unavailable_within_a_second(lambda: HeaderClient(db_redis_server.url).login("anyone"))
    for _ in range(ROUNDS):
        assert client.get("/session/data/k").json()["value"] == ROUNDS - 1
        assert revoked.get("/auth/session").status_code == 401


# --- file with Redis beside it: the auth check's copies and the login throttle live there ---------


def test_file_engine_keeps_signed_in_reads_going_through_a_redis_partition_and_refuses_revocations(
    file_redis_server, redis_proxy
):
    server = file_redis_server
    name = new_username("outage")
    assert register(server.url, name).status_code == 201
    client = signed_in_client(server, name)
    other = signed_in_client(server, name)  # the same user on another device
    other_id = other.get("/auth/session").json()["session"]["id"]
    assert client.put("/session/data/k", json={"value": "before"}).status_code == 201
    for _ in range(ROUNDS):  # every worker holds copies of both sessions in Redis before the cut
        assert client.get("/auth/session").status_code == 200
        assert other.get("/auth/session").status_code == 200
    with partition(redis_proxy):
        # First, on workers that have not yet seen Redis fail: the auth check's read and the logout's
        # drop of the copy would each wait out the Redis timeout; one is all a request may wait.
        for _ in range(2):
            assert_unavailable_within_a_second(lambda: other.post("/auth/logout"))
        signed_in_reads_and_writes_go_on(client)
        # Ending a session must drop its copy first: with Redis unreachable it is refused, not half done.
        assert_unavailable_within_a_second(lambda: client.delete(f"/sessions/{other_id}"))
        assert_unavailable_within_a_second(lambda: other.post("/auth/logout"))
        assert_unavailable_within_a_second(lambda: HeaderClient(server.url).login("anyone"))
    for _ in range(ROUNDS):
        assert other.get("/auth/session").status_code == 200
        assert client.get("/session/data/k").json()["value"] == ROUNDS - 1
    assert client.delete(f"/sessions/{other_id}").status_code == 204
    for _ in range(ROUNDS):  # no worker serves the copy it held from before the cut
        assert other.get("/auth/session").status_code == 401


# --- PostgreSQL ------------------------------------------------------------------------------


def test_database_outage_answers_503_within_a_second_then_recovers(db_server, own_postgres):
    client = signed_in_client(db_server)
    assert client.put("/session/data/cart", json={"value": [1]}).status_code == 201
    with postgres_down(own_postgres):
        for _ in range(3):
            assert_unavailable_within_a_second(lambda: client.get("/auth/session"))
            assert_unavailable_within_a_second(lambda: client.get("/session/data"))
            assert_unavailable_within_a_second(lambda: client.put("/session/data/k", json={"value": 1}))
            assert_unavailable_within_a_second(lambda: HeaderClient(db_server.url).login("anyone"))
            assert_unavailable_within_a_second(lambda: register(db_server.url, new_username()))
    for _ in range(ROUNDS):
        assert client.get("/auth/session").status_code == 200
        assert client.get("/session/data/cart").json()["value"] == [1]
    assert signed_in_client(db_server).get("/auth/session").status_code == 200


def test_health_names_the_database_while_postgres_is_down_and_turns_200_again(db_server, own_postgres):
    assert_healthy(db_server)
    with postgres_down(own_postgres):
        for _ in range(3):
            assert_health_names(db_server, "database", cache="n/a")
    assert_healthy(db_server)


def test_a_database_that_stops_answering_gets_503_in_bounded_time_then_recovers(
    silent_db_server, postgres_proxy
):
    """TCP stays up and PostgreSQL says nothing (a frozen server, a proxy that stopped forwarding).

    Neither TCP timeouts nor statement_timeout end that; the client's bound on a reply does (1.5 s
    here), and connecting again meets the 2 s connect timeout (libpq's minimum): at worst both, 3.5 s,
    never a hang.
    """
    client = signed_in_client(silent_db_server)
    with partition(postgres_proxy):
        for _ in range(3):
            response, elapsed = timed(lambda: client.get("/auth/session"))
            assert response.status_code == 503, response.text
            assert response.json()["code"] == "service_unavailable"
            assert elapsed < 3.5 + 1.0, f"503 took {elapsed:.2f}s"
    for _ in range(ROUNDS):
        assert client.get("/auth/session").status_code == 200
