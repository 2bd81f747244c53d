"""Login throttling, lifetimes and hashing: OWASP ASVS chapter 3 on every engine."""

from __future__ import annotations

import statistics
import time

import httpx
import pytest

from tests.support.clients import (
    PASSWORD,
    CookieClient,
    HeaderClient,
    new_username,
    random_address,
    register,
)
from tests.support.server import ARGON2_ENV

# The throttle's LoginFailure rows (db-pgbouncer has no Redis) through PgBouncer too.
pytestmark = pytest.mark.pgbouncer


def login(server, name: str, password: str, address: str) -> httpx.Response:
    return httpx.post(
        server.url + "/api/v1/auth/login",
        json={"username": name, "password": password, "transport": "header"},
        headers={"X-Forwarded-For": address},
    )


def test_failed_logins_are_throttled_per_username_and_lift_after_the_cool_off(hardened_server):
    name = new_username()
    register(hardened_server.url, name)
    for _ in range(3):
        assert login(hardened_server, name, "wrong", random_address()).status_code == 401
    locked = login(hardened_server, name, "wrong", random_address())
    assert locked.status_code == 429
    assert locked.json()["code"] == "throttled"
    wait = int(locked.headers["Retry-After"])
    assert 1 <= wait <= 3
    refused = login(hardened_server, name, PASSWORD, random_address())
    assert refused.status_code == 429, "a correct password during the lock-out is refused too"
    time.sleep(wait + 0.2)  # the cool-off is a clock, not a server
    assert login(hardened_server, name, PASSWORD, random_address()).status_code == 200


def test_the_username_counter_ignores_case(hardened_server):
    name = new_username()
    for variant in (name, name.upper(), name.title()):
        login(hardened_server, variant, "wrong", random_address())
    assert login(hardened_server, name, "wrong", random_address()).status_code == 429


def test_failed_logins_are_throttled_per_client_address(hardened_server):
    address = random_address()
    for _ in range(5):
        assert login(hardened_server, new_username(), "wrong", address).status_code == 401
    locked = login(hardened_server, new_username(), "wrong", address)
    assert locked.status_code == 429
    assert "Retry-After" in locked.headers
    assert login(hardened_server, new_username(), "wrong", random_address()).status_code == 401


def test_a_successful_login_does_not_count_as_a_failure(hardened_server):
    name = new_username()
    register(hardened_server.url, name)
    for _ in range(5):
        assert login(hardened_server, name, PASSWORD, random_address()).status_code == 200


def test_the_absolute_lifetime_ends_a_busy_session(hardened_server, transport):
    name = new_username()
    register(hardened_server.url, name)
    client = CookieClient(hardened_server.url) if transport == "cookie" else HeaderClient(hardened_server.url)
    assert client.login(name).status_code == 200
    started = time.monotonic()
    while time.monotonic() - started < 10:
        response = client.get("/auth/session")
        if response.status_code != 200:
            break
        time.sleep(0.3)  # a busy client: a request every 0.3 s renews the idle timeout
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert 3 <= time.monotonic() - started <= 8
    assert client.get("/auth/session").json()["code"] == "not_authenticated"


def test_activity_is_recorded_at_most_once_per_interval(hardened_server):
    name = new_username()
    register(hardened_server.url, name)
    client = HeaderClient(hardened_server.url)
    client.login(name)

    def last_activity() -> str:
        return client.get("/sessions").json()["sessions"][0]["last_activity"]

    first = last_activity()
    assert [last_activity() for _ in range(3)] == [first] * 3
    time.sleep(1.1)  # SESSION_ACTIVITY_INTERVAL=1 on this server
    assert last_activity() > first


@pytest.fixture(scope="session")
def argon2_server(server_pool):
    return server_pool.get("db-sqlite", LOGIN_FAILURES_PER_USERNAME="100000", **ARGON2_ENV)


# The login path differs between engines only in where failures are counted: the database, or Redis
# when REDIS_URL is set. The timing comparison runs on one engine of each.
@pytest.fixture(scope="session", params=["db-sqlite", "cache"])
def timing_server(request, server_pool):
    return server_pool.get(request.param, LOGIN_FAILURES_PER_USERNAME="100000", **ARGON2_ENV)


def test_passwords_are_hashed_with_argon2_and_old_pbkdf2_hashes_upgrade_at_login(argon2_server):
    name = new_username()
    register(argon2_server.url, name)
    read_hash = (
        f"from django.contrib.auth.models import User; print(User.objects.get(username='{name}').password)"
    )
    assert argon2_server.shell(read_hash).startswith("argon2")
    argon2_server.shell(
        "from django.contrib.auth.models import User; from django.contrib.auth.hashers import make_password;"
        f"User.objects.filter(username='{name}')"
        f".update(password=make_password('{PASSWORD}', hasher='pbkdf2_sha256'))"
    )
    assert argon2_server.shell(read_hash).startswith("pbkdf2_sha256")
    assert CookieClient(argon2_server.url).login(name).status_code == 200
    assert argon2_server.shell(read_hash).startswith("argon2")


@pytest.mark.serial
def test_login_timing_does_not_tell_accounts_apart(timing_server):
    """Unknown user, wrong password, inactive user, unusable password: medians within 15%."""
    argon2_server = timing_server
    names = {kind: new_username(kind) for kind in ("wrong", "inactive", "unusable")}
    for name in names.values():
        register(argon2_server.url, name)
    argon2_server.shell(
        "from django.contrib.auth.models import User;"
        f"User.objects.filter(username='{names['inactive']}').update(is_active=False);"
        f"u=User.objects.get(username='{names['unusable']}'); u.set_unusable_password(); u.save()"
    )
    attempts = {
        "wrong": (names["wrong"], "not-the-password"),
        "unknown": (new_username("unknown"), PASSWORD),
        "inactive": (names["inactive"], PASSWORD),
        "unusable": (names["unusable"], PASSWORD),
    }
    timings: dict[str, list[float]] = {kind: [] for kind in attempts}
    with httpx.Client(base_url=argon2_server.url) as http:
        for _ in range(30):
            for kind, (name, password) in attempts.items():  # interleaved: noise hits every kind alike
                started = time.perf_counter()
                response = http.post(
                    "/api/v1/auth/login",
                    headers={"X-Session-Token": ""},
                    json={"username": name, "password": password, "transport": "header"},
                )
                timings[kind].append(time.perf_counter() - started)
                assert response.status_code == 401
    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    assert max(medians.values()) <= 1.15 * min(medians.values()), medians


@pytest.mark.serial
def test_a_megabyte_password_is_refused_before_hashing(argon2_server):
    name = new_username()
    register(argon2_server.url, name)
    started = time.perf_counter()
    response = CookieClient(argon2_server.url).login(name, "p" * 1_000_000)
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert time.perf_counter() - started < 0.5
