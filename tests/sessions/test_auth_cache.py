"""With the registry entry and the user cached in Redis, every way of ending a session still ends it at once.

Every engine runs here with ``REDIS_URL`` set, so the auth check reads its copies from Redis; each test
first warms them (a signed-in request), then ends the session by one write path and expects the very
next request, on this instance or another one sharing the stores, to be refused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from redis.cluster import RedisCluster
from redis.crc import key_slot

from tests.conftest import ENGINES, engine_name, make_client
from tests.support.clients import PASSWORD, CookieClient, HeaderClient
from tests.support.server import LiveServer
from tests.support.services import unique_name
from tests.support.topologies import keys_matching


@pytest.fixture(scope="session")
def server(engine: str, server_pool) -> Iterator[LiveServer]:  # overrides conftest's: same engine, cache on
    settings = {**server_pool.redis_env(engine.partition("@")[2]), "SESSION_ACTIVITY_INTERVAL": "3"}
    yield server_pool.get(engine, **settings)
    server_pool.release(engine, **settings)


@pytest.fixture(scope="session")
def other_instance(server: LiveServer, server_pool) -> Iterator[LiveServer]:
    """A second instance of the service on the same database, Redis and session directory."""
    log = server_pool.workdir / f"{unique_name('instance2')}.log"
    with LiveServer(dict(server.env), log) as instance:
        yield instance


@pytest.fixture(scope="session")
def rotated_instance(server: LiveServer, server_pool) -> Iterator[LiveServer]:
    """A second instance that has moved on to a new SECRET_KEY, the old one kept as a fallback."""
    old_key = server.env["SECRET_KEY"]
    env = {**server.env, "SECRET_KEY": "rotated-" + old_key[::-1], "SECRET_KEY_FALLBACKS": old_key}
    with LiveServer(env, server_pool.workdir / f"{unique_name('rotated')}.log") as instance:
        yield instance


def warm(client) -> None:
    for _ in range(2):
        assert client.get("/auth/session").status_code == 200


def same_session_on(instance: LiveServer, client):
    """Return a client of another instance that carries this client's credential."""
    other = CookieClient(instance.url) if client.transport == "cookie" else HeaderClient(instance.url)
    other.replay_with(client.credential)
    return other


def shell(server: LiveServer, code: str) -> None:
    server.shell("from django.contrib.auth import get_user_model\nU = get_user_model()\n" + code)


def test_the_auth_check_reads_its_copies_from_redis_where_the_session_is_not_in_the_database(
    server, engine, signed_in
):
    warm(signed_in)
    prefix = server.env["CACHE_KEY_PREFIX"]
    keys = keys_matching(server.env, f"{prefix}:snap:*")
    # Both copies lie under their user's hash tag, so one MGET reads them on a Redis Cluster too.
    copy = re.compile(r".*:snap:\{u:[^}]+\}:(user|entry)(:[^:]+)?")
    kinds = {match[1] for key in keys if (match := copy.fullmatch(key))}
    if engine_name(engine) in ("db", "cached_db"):
        # db reads the entry and the user joined to the session's row; cached_db, which serves through
        # Redis outages, reads them from the database on a cache hit (snapshots.enabled).
        assert not kinds & {"entry", "user"}
    else:
        assert {"entry", "user"} <= kinds


@pytest.mark.parametrize("engine", [e for e in ENGINES if engine_name(e) == "cache"], indirect=True)
def test_a_signed_in_cache_session_lies_in_its_users_slot_and_is_read_with_its_copies_in_one_command(
    server, signed_in
):
    warm(signed_in)
    prefix = server.env["CACHE_KEY_PREFIX"]
    user_id = signed_in.get("/auth/session").json()["user"]["id"]
    key = signed_in.credential
    assert key is not None and len(key) == 36  # its user's tag, then Django's 32 random characters
    [stored] = [
        name
        for name in keys_matching(server.env, f"{prefix}:1:django.contrib.sessions.cache*")
        if name.endswith(key[4:])
    ]
    assert stored.endswith(f"{{{key[:4]}}}{key[4:]}")
    assert key_slot(stored.encode()) == key_slot(f"{prefix}:snap:{{u:{user_id}}}:user".encode())
    if server.env.get("REDIS_CLUSTER") == "1":  # one node answers, one MGET, no GET of its own
        with RedisCluster.from_url(server.env["REDIS_URL"]) as cluster:
            before = _calls(cluster)
            for _ in range(20):
                assert signed_in.get("/auth/session").status_code == 200
            after = _calls(cluster)
        assert after["mget"] - before["mget"] >= 20
        assert after["get"] - before["get"] < 20


def _calls(cluster: RedisCluster) -> dict[str, int]:
    """Return how many GETs and MGETs the cluster's primaries have answered."""
    stats = cluster.info("commandstats", target_nodes=RedisCluster.PRIMARIES)
    return {
        command: sum(node.get(f"cmdstat_{command}", {}).get("calls", 0) for node in stats.values())
        for command in ("get", "mget")
    }


def test_revoking_a_warm_session_ends_it_on_every_instance(server, other_instance, signed_in, second_device):
    elsewhere = same_session_on(other_instance, second_device)
    warm(second_device)
    warm(elsewhere)
    session_id = second_device.get("/auth/session").json()["session"]["id"]
    assert signed_in.delete(f"/sessions/{session_id}").status_code == 204
    assert elsewhere.get("/auth/session").status_code == 401
    assert second_device.get("/auth/session").status_code == 401


def test_revoke_others_ends_warm_sessions_at_once(signed_in, second_device):
    warm(second_device)
    assert signed_in.post("/sessions/revoke-others").json()["revoked"] >= 1
    assert second_device.get("/auth/session").status_code == 401
    assert signed_in.get("/auth/session").status_code == 200


def test_password_change_ends_warm_sessions_on_every_instance(other_instance, signed_in, second_device):
    elsewhere = same_session_on(other_instance, second_device)
    warm(elsewhere)
    body = {"current_password": PASSWORD, "new_password": "Another-good-pass-77"}
    assert signed_in.post("/auth/password", json=body).status_code == 204
    assert elsewhere.get("/auth/session").status_code == 401
    assert signed_in.get("/auth/session").status_code == 200


def test_password_set_outside_the_api_ends_warm_sessions(server, signed_in, username):
    warm(signed_in)
    shell(server, f"u = U.objects.get(username={username!r}); u.set_password('Changed-by-staff-9'); u.save()")
    assert signed_in.get("/auth/session").status_code == 401


def test_deactivation_ends_a_warm_session_on_every_instance(server, other_instance, signed_in, username):
    elsewhere = same_session_on(other_instance, signed_in)
    warm(signed_in)
    warm(elsewhere)
    shell(server, f"u = U.objects.get(username={username!r}); u.is_active = False; u.save()")
    assert elsewhere.get("/auth/session").status_code == 401
    assert signed_in.get("/auth/session").status_code == 401


def test_deleting_the_user_ends_a_warm_session(server, signed_in, username):
    warm(signed_in)
    shell(server, f"U.objects.filter(username={username!r}).delete()")
    assert signed_in.get("/auth/session").status_code == 401


def test_staff_revocation_ends_a_warm_session(server, signed_in, username):
    warm(signed_in)
    code = "from sessions_api.models import UserSession\n"
    shell(server, code + f"UserSession.objects.filter(user__username={username!r}).delete()")
    assert signed_in.get("/auth/session").status_code == 401


def test_logged_out_warm_credential_replayed_is_401(other_instance, signed_in):
    warm(signed_in)
    credential = signed_in.credential
    elsewhere = same_session_on(other_instance, signed_in)
    warm(elsewhere)
    assert signed_in.post("/auth/logout").status_code == 204
    signed_in.replay_with(credential)
    assert signed_in.get("/auth/session").status_code == 401
    assert elsewhere.get("/auth/session").status_code == 401


def test_a_profile_change_shows_in_who_am_i_at_once(server, signed_in, username):
    warm(signed_in)
    shell(
        server,
        f"u = U.objects.get(username={username!r}); u.email = 'new@example.com'; u.is_staff = True; u.save()",
    )
    user = signed_in.get("/auth/session").json()["user"]
    assert (user["email"], user["is_staff"]) == ("new@example.com", True)


def test_reads_record_activity_once_per_interval_not_per_request(signed_in):
    """SESSION_ACTIVITY_INTERVAL is 3 s here: the cached entry must follow the touch, or every read writes."""
    time.sleep(3.2)
    warm(signed_in)  # past the interval: this touches the entry once
    touched = _last_activity(signed_in)
    time.sleep(1.0)
    warm(signed_in)  # within the interval of the touch: no write
    assert _last_activity(signed_in) == touched


def _last_activity(client) -> str:
    sessions = client.get("/sessions").json()["sessions"]
    return next(s["last_activity"] for s in sessions if s["current"])


def test_rotating_the_secret_key_ends_no_session(server, rotated_instance, signed_in, username, transport):
    """Both instances share Redis, where the user's copy holds the session HMAC made with the old key."""
    warm(signed_in)
    assert same_session_on(rotated_instance, signed_in).get("/auth/session").status_code == 200
    fresh = make_client(rotated_instance, transport)
    assert fresh.login(username).status_code == 200
    assert fresh.get("/auth/session").status_code == 200
    assert fresh.get("/auth/session").status_code == 200
