"""Expiry control: each form, each bad form, the cookie that follows, and sessions that really expire."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_default_expiry_is_two_weeks(client):
    body = client.get("/session/expiry").json()
    assert body["policy"] == "default"
    assert body["expire_at_browser_close"] is False
    assert 14 * 86400 - 5 <= body["expiry_age"] <= 14 * 86400


def test_seconds_sets_max_age(client):
    response = client.put("/session/expiry", json={"seconds": 600})
    assert response.status_code == 200
    body = response.json()
    assert body["policy"] == "seconds"
    assert 595 <= body["expiry_age"] <= 600
    if client.transport == "cookie":
        assert "Max-Age=600" in response.headers["set-cookie"]
    assert client.get("/session/expiry").json()["policy"] == "seconds"


def test_expires_at_sets_that_time(client):
    target = datetime.now(UTC) + timedelta(hours=2)
    body = client.put("/session/expiry", json={"expires_at": iso(target)}).json()
    assert body["policy"] == "datetime"
    assert abs(datetime.fromisoformat(body["expiry_date"].replace("Z", "+00:00")) - target) < timedelta(
        seconds=2
    )


def test_browser_close_sends_no_max_age(client):
    response = client.put("/session/expiry", json={"browser_close": True})
    assert response.status_code == 200
    assert response.json()["policy"] == "browser_close"
    assert response.json()["expire_at_browser_close"] is True
    if client.transport == "cookie":
        cookie = response.headers["set-cookie"]
        assert "sessionid=" in cookie
        assert "Max-Age" not in cookie
        assert "expires" not in cookie.lower()


def test_default_goes_back_to_the_default(client):
    client.put("/session/expiry", json={"seconds": 60})
    body = client.put("/session/expiry", json={"default": True}).json()
    assert body["policy"] == "default"
    assert body["expiry_age"] > 60


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"seconds": 10, "browser_close": True},
        {"seconds": 0},
        {"seconds": -5},
        {"seconds": 1.5},
        {"seconds": "ten"},
        {"seconds": 10**40},
        {"seconds": 31 * 86400},
        {"expires_at": "2001-01-01T00:00:00Z"},
        {"expires_at": "2999-01-01T00:00:00Z"},
        {"expires_at": "tomorrow"},
        {"browser_close": False},
        {"default": False},
        {"default": "yes please"},
        {"nonsense": 1},
        [1],
    ],
    ids=lambda b: str(b)[:40],
)
def test_bad_expiry_is_400_and_changes_nothing(sqlite_client, body):
    client = sqlite_client
    client.put("/session/expiry", json={"seconds": 1234})
    response = client.put("/session/expiry", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    after = client.get("/session/expiry").json()
    assert after["policy"] == "seconds"
    assert after["expiry_age"] <= 1234


def test_a_signed_in_session_cannot_ask_to_outlive_its_absolute_lifetime(hardened_server):
    from tests.support.clients import CookieClient, new_username, register

    name = new_username()
    register(hardened_server.url, name)
    client = CookieClient(hardened_server.url)
    assert client.login(name).status_code == 200
    assert client.put("/session/expiry", json={"seconds": 2}).status_code == 200
    refused = client.put("/session/expiry", json={"seconds": 30})
    assert refused.status_code == 400
    assert "seconds" in refused.json()["fields"]


def test_an_anonymous_session_cannot_ask_beyond_the_maximum_lifetime(sqlite_client):
    refused = sqlite_client.put("/session/expiry", json={"seconds": 31 * 86400})
    assert refused.status_code == 400
    assert sqlite_client.put("/session/expiry", json={"seconds": 29 * 86400}).status_code == 200


def wait_until_gone(client, credential: str | None, path: str, seconds: float = 5.0) -> bool:
    """Replay the credential until the server no longer knows its data (waiting for the clock)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        client.replay_with(credential)
        if client.get(path).status_code == 404:
            return True
        time.sleep(0.2)
    return False


def test_a_bad_expiry_changes_nothing_on_any_engine(client):
    client.put("/session/expiry", json={"seconds": 1234})
    assert client.put("/session/expiry", json={"seconds": 0, "default": True}).status_code == 400
    assert client.get("/session/expiry").json()["policy"] == "seconds"


def test_an_expired_session_is_gone_and_the_next_write_starts_a_new_one(client):
    client.put("/session/data/cart", json={"value": "old"})
    client.put("/session/expiry", json={"seconds": 1})
    old = client.credential
    assert client.get("/session/data/cart").status_code == 200
    assert wait_until_gone(client, old, "/session/data/cart")
    client.put("/session/data/new", json={"value": 1})
    assert client.credential != old
    assert client.get("/session/data").json() == {"data": {"new": 1}}


def test_an_expired_datetime_session_is_unreadable_when_replayed(client):
    client.put("/session/data/cart", json={"value": "old"})
    client.put("/session/expiry", json={"expires_at": iso(datetime.now(UTC) + timedelta(seconds=1.5))})
    old = client.credential
    assert client.get("/session/data/cart").status_code == 200
    assert wait_until_gone(client, old, "/session/data/cart")
