"""Logging in on both transports, on every engine."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import engine_name
from tests.support.clients import PASSWORD, CookieClient, HeaderClient, new_username, register

pytestmark = pytest.mark.pgbouncer  # login rotates the key through PgBouncer too


def test_login_returns_user_and_session(signed_in, username, engine, transport):
    body = signed_in.get("/auth/session").json()
    assert body["user"]["username"] == username
    assert set(body["user"]) == {"id", "username", "email", "is_staff"}
    assert body["session"]["engine"] == engine_name(engine)
    assert body["session"]["transport"] == transport
    assert set(body["session"]) == {
        "id",
        "engine",
        "transport",
        "created_at",
        "authenticated_at",
        "privileged_until",
        "expiry_age",
        "expiry_date",
        "expire_at_browser_close",
    }
    assert body["session"]["id"] not in (signed_in.credential or "")


def test_login_without_csrf_token_on_cookie_transport_is_refused(server, username):
    client = CookieClient(server.url, csrf=False)
    response = client.login(username)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert client.get("/auth/session").status_code == 401


def test_login_on_header_transport_needs_no_csrf_and_sets_no_cookie(server, username):
    response = httpx.post(
        server.url + "/api/v1/auth/login",
        json={"username": username, "password": PASSWORD, "transport": "header"},
    )
    assert response.status_code == 200
    assert response.json()["session_token"]
    assert "set-cookie" not in response.headers
    whoami = httpx.get(
        server.url + "/api/v1/auth/session", headers={"X-Session-Token": response.json()["session_token"]}
    )
    assert whoami.status_code == 200


def test_wrong_password_unknown_user_inactive_user_and_unusable_password_look_the_same(server, transport):
    active, inactive, unusable = new_username("active"), new_username("inactive"), new_username("unusable")
    for name in (active, inactive, unusable):
        assert register(server.url, name).status_code == 201
    server.shell(
        "from django.contrib.auth.models import User;"
        f"User.objects.filter(username='{inactive}').update(is_active=False);"
        f"u=User.objects.get(username='{unusable}');u.set_unusable_password();u.save()"
    )
    answers = []
    for name, password in (
        (active, "wrong-password"),
        (new_username("nobody"), PASSWORD),
        (inactive, PASSWORD),
        (unusable, PASSWORD),
    ):
        client = CookieClient(server.url) if transport == "cookie" else HeaderClient(server.url)
        response = client.login(name, password)
        headers = {
            k: v
            for k, v in response.headers.items()
            if k in ("www-authenticate", "content-type", "retry-after")
        }
        answers.append((response.status_code, response.json(), headers))
    assert answers[0][0] == 401
    assert answers[0][1] == {"code": "invalid_credentials", "detail": "Unknown username or wrong password."}
    assert all(answer == answers[0] for answer in answers), answers


def test_login_gives_the_session_a_new_key_and_keeps_anonymous_data(client, username):
    assert client.put("/session/data/cart", json={"value": ["book"]}).status_code == 201
    before = client.credential
    assert before
    assert client.login(username).status_code == 200
    assert client.credential and client.credential != before
    assert client.get("/session/data/cart").json()["value"] == ["book"]


def test_old_key_is_dead_after_login(client, username, engine):
    client.put("/session/data/cart", json={"value": 1})
    before = client.credential
    client.login(username)
    client.replay_with(before)
    if engine_name(engine) == "signed_cookies":
        # The client holds the data: the old anonymous cookie still carries its own (anonymous) data,
        # but never the login.
        assert client.get("/auth/session").status_code == 401
    else:
        assert client.get("/session/data").json() == {"data": {}}
        assert client.get("/auth/session").status_code == 401


def test_login_rotates_the_csrf_token(server, username):
    client = CookieClient(server.url)
    client.get("/auth/csrf")
    old = client.csrf_token()
    client.login(username)
    new = client.csrf_token()
    assert new and new != old
    refused = client.put("/session/data/k", json={"value": 1}, headers={"X-CSRFToken": old})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"


def test_logging_in_again_as_the_same_user_changes_the_key(signed_in, username):
    before = signed_in.credential
    assert signed_in.login(username).status_code == 200
    assert signed_in.credential != before
    assert signed_in.get("/auth/session").status_code == 200


def test_login_with_bad_input_is_400_with_fields(client):
    response = client.post("/auth/login", json={"username": "", "transport": "pigeon"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"username", "password", "transport"}


def test_a_megabyte_password_is_refused_without_hashing(client, username):
    response = client.post("/auth/login", json={"username": username, "password": "x" * 1_000_000})
    assert response.status_code in (400, 413)
    assert response.json()["code"] in ("invalid", "too_large")
