"""The sessions a user can see and end, on every engine, signed_cookies included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.utils import timezone
from rest_framework.serializers import Serializer

from sessions_api.models import UserSession
from sessions_api.serializers import StaffSessionSerializer, UserSessionSerializer
from tests.support.clients import CookieClient, HeaderClient, new_username, random_address, register

pytestmark = pytest.mark.pgbouncer  # revocation holds at the next request through PgBouncer too


def test_list_shows_every_session_and_marks_the_current_one(signed_in, second_device):
    sessions = signed_in.get("/sessions").json()["sessions"]
    assert len(sessions) == 2
    current = [s for s in sessions if s["current"]]
    assert len(current) == 1
    assert current[0]["id"] == signed_in.get("/auth/session").json()["session"]["id"]
    assert set(current[0]) == {
        "id",
        "current",
        "transport",
        "created_at",
        "authenticated_at",
        "last_activity",
        "expiry_date",
        "ip",
        "user_agent",
        "name",
        "device",
        "new_device",
    }
    assert current[0]["ip"] == "127.0.0.1"
    assert "python-httpx" in current[0]["user_agent"]
    for entry in sessions:
        assert entry["id"] not in (signed_in.credential or "")
        assert entry["id"] not in (second_device.credential or "")


def test_revoking_one_session_ends_it_at_once(signed_in, second_device):
    other_id = second_device.get("/auth/session").json()["session"]["id"]
    assert signed_in.delete(f"/sessions/{other_id}").status_code == 204
    ended = second_device.get("/auth/session")
    assert ended.status_code == 401
    assert ended.json()["code"] == "not_authenticated"
    assert signed_in.get("/auth/session").status_code == 200
    assert [s["id"] for s in signed_in.get("/sessions").json()["sessions"]] != [other_id]


def test_a_revoked_credential_replayed_gets_401_even_on_data_endpoints(signed_in, second_device):
    credential = second_device.credential
    other_id = second_device.get("/auth/session").json()["session"]["id"]
    signed_in.delete(f"/sessions/{other_id}")
    second_device.replay_with(credential)
    assert second_device.get("/session/data").status_code == 401
    second_device.replay_with(credential)
    assert second_device.get("/auth/session").status_code == 401


def test_revoke_others_keeps_only_the_current_session(server, signed_in, second_device, username, transport):
    third = CookieClient(server.url) if transport == "cookie" else HeaderClient(server.url)
    third.login(username)
    response = signed_in.post("/sessions/revoke-others")
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert second_device.get("/auth/session").status_code == 401
    assert third.get("/auth/session").status_code == 401
    assert signed_in.get("/auth/session").status_code == 200
    assert len(signed_in.get("/sessions").json()["sessions"]) == 1


def test_another_users_session_id_is_404_and_stays_alive(server, signed_in, transport):
    stranger = CookieClient(server.url) if transport == "cookie" else HeaderClient(server.url)
    name = new_username("stranger")
    register(server.url, name)
    stranger.login(name)
    stranger_id = stranger.get("/auth/session").json()["session"]["id"]
    response = signed_in.delete(f"/sessions/{stranger_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert signed_in.delete("/sessions/no-such-id").status_code == 404
    assert stranger.get("/auth/session").status_code == 200


def test_session_endpoints_need_a_login(client):
    assert client.get("/sessions").status_code == 401
    assert client.post("/sessions/revoke-others").status_code == 401
    assert client.delete("/sessions/anything").status_code == 401


@pytest.mark.parametrize("ip", ["127.0.0.1", "2001:db8::1", None])
@pytest.mark.parametrize("serializer_class", [UserSessionSerializer, StaffSessionSerializer])
def test_a_listed_session_reads_as_its_declared_fields_give_it(serializer_class, ip):
    # The list writes its rows directly, for speed: each row must be what DRF's fields would give.
    now = timezone.now()
    entry = UserSession(
        id="pub-id",
        user_id=7,
        transport="header",
        created_at=now - timedelta(hours=1),
        authenticated_at=now - timedelta(minutes=1),
        last_activity=now.replace(microsecond=0),
        expires_at=now + timedelta(days=1),
        absolute_expires_at=now + timedelta(days=30),
        ip=ip,
        user_agent="curl/8",
    )
    for current_id, zone in (("pub-id", "UTC"), ("other", "UTC"), ("other", "Europe/London")):
        with timezone.override(zone):  # London: +00:00 in winter, +01:00 in summer
            for entry.created_at in (
                datetime(2026, 1, 15, 12, 0, tzinfo=UTC),
                datetime(2026, 7, 15, 12, tzinfo=UTC),
            ):
                serializer = serializer_class(context={"current_id": current_id})
                row = serializer.to_representation(entry)
                assert row == Serializer.to_representation(serializer, entry)
                assert list(row) == list(serializer.fields)


PRIVACY = {
    "truncated": {"SESSION_RECORD_IP": "truncated", "NUM_PROXIES": "1"},
    "off": {"SESSION_RECORD_IP": "off", "NUM_PROXIES": "1", "LOGIN_FAILURES_PER_ADDRESS": "2"},
}


@pytest.fixture(scope="session")
def privacy_servers(server_pool, engine):
    """The engine of this run with each SESSION_RECORD_IP mode (one proxy hop believed)."""
    yield {mode: server_pool.get(engine, **env) for mode, env in PRIVACY.items()}
    for env in PRIVACY.values():
        server_pool.release(engine, **env)


@pytest.mark.parametrize(
    ("mode", "address", "shown"),
    [
        ("truncated", "203.0.113.77", "203.0.113.0"),
        ("truncated", "2001:db8:1:2:3:4:5:6", "2001:db8:1::"),
        ("truncated", "::ffff:198.51.100.9", "198.51.100.0"),
        ("off", "203.0.113.77", None),
    ],
)
def test_session_record_ip_keeps_what_it_says(privacy_servers, mode, address, shown):
    server = privacy_servers[mode]
    name = new_username()
    register(server.url, name)
    client = HeaderClient(server.url)
    client.http.headers["X-Forwarded-For"] = address
    assert client.login(name).status_code == 200
    assert [row["ip"] for row in client.get("/sessions").json()["sessions"]] == [shown]
    client.close()


def test_the_login_throttle_counts_addresses_the_registry_does_not_keep(privacy_servers):
    server, address = privacy_servers["off"], random_address()

    def failed_login() -> int:
        login = {"username": new_username(), "password": "wrong", "transport": "header"}
        headers = {"X-Forwarded-For": address}
        return httpx.post(server.url + "/api/v1/auth/login", json=login, headers=headers).status_code

    assert [failed_login() for _ in range(3)] == [401, 401, 429]
