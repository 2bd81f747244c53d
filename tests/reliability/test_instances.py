"""Two instances of the service (separate gunicorn processes on separate ports) sharing PostgreSQL and
Redis act as one: what happens on one holds on the other at once, and nothing is counted or kept in
the memory of one process. On db (PostgreSQL only) and cached_db (PostgreSQL and Redis).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ServerPool
from tests.support.clients import PASSWORD, CookieClient, HeaderClient, new_username, register
from tests.support.server import LiveServer
from tests.support.services import unique_name

# Each of the two servers runs two workers; this many requests in a row reach both of them.
ROUNDS = 8


# db keeps everything in PostgreSQL (the throttle too); cached_db uses both stores (the throttle in
# Redis). The cache engine would add a server start and nothing these two do not already share.
@pytest.fixture(scope="module", params=["db-postgres", "cached_db"])
def instances(
    request: pytest.FixtureRequest, server_pool: ServerPool, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """The pool's server of an engine, and a second instance with the very same settings and stores.

    Both stop when the module moves on: idle connections of servers nobody needs count against
    PostgreSQL's connection limit.
    """
    first = server_pool.get(request.param)
    log = tmp_path_factory.mktemp("instances") / f"{unique_name(request.param)}.log"
    second = LiveServer(first.env, log).start()
    yield first, second
    second.stop()
    server_pool.release(request.param)


@pytest.fixture
def user(instances: tuple[LiveServer, LiveServer]) -> str:
    name = new_username("twin")
    assert register(instances[0].url, name).status_code == 201
    return name


def header_login(server: LiveServer, username: str) -> HeaderClient:
    client = HeaderClient(server.url)
    assert client.login(username).status_code == 200
    return client


def on(server: LiveServer, client: HeaderClient) -> HeaderClient:
    """The same credential sent to another instance (a load balancer's next pick)."""
    other = HeaderClient(server.url)
    other.token = client.token
    return other


def assert_status_everywhere(clients: list[HeaderClient], path: str, status: int) -> None:
    for _ in range(ROUNDS):
        for client in clients:
            assert client.get(path).status_code == status


def test_a_login_on_one_instance_is_valid_on_the_other(instances, user):
    a, b = instances
    client = header_login(a, user)
    assert_status_everywhere([client, on(b, client)], "/auth/session", 200)
    browser = CookieClient(a.url)
    assert browser.login(user).status_code == 200
    other_tab = CookieClient(b.url)
    other_tab.http.cookies = browser.http.cookies  # one browser, the balancer picks either instance
    assert other_tab.get("/auth/session").json()["user"]["username"] == user
    assert other_tab.put("/session/data/cart", json={"value": [1]}).status_code == 201
    assert browser.get("/session/data/cart").json()["value"] == [1]


def test_logout_on_one_instance_holds_on_the_other_at_once(instances, user):
    a, b = instances
    on_a = header_login(a, user)
    on_a.put("/session/data/k", json={"value": 1})
    on_b = on(b, on_a)
    assert on_b.post("/auth/logout").status_code == 204
    assert_status_everywhere([on_a], "/auth/session", 401)
    assert on_a.get("/session/data").json()["data"] == {}


def test_revoking_a_session_on_one_instance_ends_it_on_the_other_at_once(instances, user):
    a, b = instances
    phone, laptop, tablet = (header_login(a, user) for _ in range(3))
    phone_id = phone.get("/auth/session").json()["session"]["id"]
    assert on(b, laptop).delete(f"/sessions/{phone_id}").status_code == 204
    assert_status_everywhere([phone], "/auth/session", 401)
    assert on(b, laptop).post("/sessions/revoke-others").json() == {"revoked": 1}
    assert_status_everywhere([tablet], "/auth/session", 401)
    assert_status_everywhere([laptop], "/auth/session", 200)


def test_a_password_change_on_one_instance_ends_the_other_sessions_on_the_other(instances, user):
    a, b = instances
    stays, ends = header_login(a, user), header_login(a, user)
    changer = on(b, stays)
    body = {"current_password": PASSWORD, "new_password": "Another-good-pass-77"}
    assert changer.post("/auth/password", json=body).status_code == 204
    assert_status_everywhere([ends], "/auth/session", 401)
    assert_status_everywhere([on(a, changer), changer], "/auth/session", 200)


def test_concurrent_writes_through_both_instances_lose_nothing(instances, user):
    a, b = instances
    client = header_login(a, user)
    token = client.token or ""

    def put(n: int) -> int:
        server = (a, b)[n % 2]
        url = f"{server.url}/api/v1/session/data/key-{n}"
        return httpx.put(url, json={"value": n}, headers={"X-Session-Token": token}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(put, range(50)))
    assert statuses == [201] * 50
    expected = {f"key-{n}": n for n in range(50)}
    for reader in (client, on(b, client)):
        assert reader.get("/session/data").json()["data"] == expected


def test_the_login_throttle_counts_failures_across_both_instances(instances, user):
    a, b = instances
    for n in range(10):  # the default limit: 10 failures per username
        response = HeaderClient((a, b)[n % 2].url).login(user, "wrong-password")
        assert response.status_code == 401, response.text
    for server in (a, b):
        refused = HeaderClient(server.url).login(user)  # even with the right password
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
