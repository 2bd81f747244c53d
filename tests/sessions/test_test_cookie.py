"""The cookie check: Django's set_test_cookie / test_cookie_worked / delete_test_cookie over HTTP."""

from __future__ import annotations

import httpx


def test_a_client_that_keeps_cookies_passes(client):
    assert client.get("/session/test-cookie").json() == {"cookies_accepted": False}
    assert client.post("/session/test-cookie").status_code == 204
    assert client.get("/session/test-cookie").json() == {"cookies_accepted": True}
    assert client.delete("/session/test-cookie").status_code == 204
    assert client.get("/session/test-cookie").json() == {"cookies_accepted": False}


def test_a_client_that_drops_cookies_fails(sqlite_server):
    api = sqlite_server.url + "/api/v1"
    with httpx.Client() as first:
        csrf = first.get(api + "/auth/csrf")
        token = csrf.json()["csrf_token"]
        planted = first.post(api + "/session/test-cookie", headers={"X-CSRFToken": token})
        assert planted.status_code == 204
    with httpx.Client() as forgetful:  # the session cookie never comes back
        assert forgetful.get(api + "/session/test-cookie").json() == {"cookies_accepted": False}


def test_deleting_an_absent_marker_is_204(client):
    assert client.delete("/session/test-cookie").status_code == 204
