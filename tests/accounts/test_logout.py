"""Logging out ends the session server-side."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.pgbouncer  # a logged-out credential is dead at once through PgBouncer too


def test_logout_then_session_is_401(signed_in):
    assert signed_in.post("/auth/logout").status_code == 204
    response = signed_in.get("/auth/session")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_logged_out_credential_replayed_is_401(signed_in):
    credential = signed_in.credential
    assert signed_in.post("/auth/logout").status_code == 204
    signed_in.replay_with(credential)
    assert signed_in.get("/auth/session").status_code == 401


def test_logout_twice_is_204(signed_in):
    assert signed_in.post("/auth/logout").status_code == 204
    assert signed_in.post("/auth/logout").status_code == 204


def test_logout_deletes_the_cookie(server, username):
    from tests.support.clients import CookieClient

    client = CookieClient(server.url)
    client.login(username)
    response = client.post("/auth/logout")
    assert 'sessionid=""' in response.headers.get("set-cookie", "")
    assert client.credential is None


def test_logout_without_csrf_on_cookie_transport_is_refused(server, username):
    from tests.support.clients import CookieClient

    client = CookieClient(server.url)
    client.login(username)
    response = client.post("/auth/logout", headers={"X-CSRFToken": "wrong"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert client.get("/auth/session").status_code == 200
