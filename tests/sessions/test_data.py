"""The current session's data: CRUD, reserved keys, limits, exact JSON round trips, on every engine."""

from __future__ import annotations

import pytest

from tests.conftest import engine_name

ROUND_TRIP_VALUES = [
    {"nested": {"list": [1, 2, {"deep": [None, True, False]}], "empty": {}}},
    "unicode: héllo wörld ✓ 日本語 🎉",
    12345678901234567890123456789012345678901234567890,
    -0.000123456789,
    1.7976931348623157e308,
    None,
    True,
    [],
    "",
]


def test_reading_never_creates_a_session(client):
    for path in ("/session/data", "/session/expiry", "/session/test-cookie", "/session/data/missing"):
        response = client.get(path)
        assert response.status_code in (200, 404)
        assert "sessionid" not in response.headers.get("set-cookie", "")
        assert "x-session-token" not in response.headers
    assert client.credential is None


def test_first_write_creates_the_session(client):
    response = client.put("/session/data/cart", json={"value": ["apple"]})
    assert response.status_code == 201
    assert response.json() == {"key": "cart", "value": ["apple"]}
    assert client.credential
    assert client.get("/session/data").json() == {"data": {"cart": ["apple"]}}


def test_every_json_type_round_trips_exactly(client):
    for i, value in enumerate(ROUND_TRIP_VALUES):
        assert client.put(f"/session/data/v{i}", json={"value": value}).json()["value"] == value
    for i, value in enumerate(ROUND_TRIP_VALUES):
        assert client.get(f"/session/data/v{i}").json() == {"key": f"v{i}", "value": value}


def test_put_replaces_with_200_and_delete_removes(client):
    assert client.put("/session/data/k", json={"value": 1}).status_code == 201
    assert client.put("/session/data/k", json={"value": 2}).status_code == 200
    assert client.get("/session/data/k").json()["value"] == 2
    assert client.delete("/session/data/k").status_code == 204
    missing = client.get("/session/data/k")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert client.delete("/session/data/k").status_code == 404


def test_delete_all_keeps_the_login(signed_in):
    signed_in.put("/session/data/a", json={"value": 1})
    signed_in.put("/session/data/b", json={"value": 2})
    assert signed_in.delete("/session/data").status_code == 204
    assert signed_in.get("/session/data").json() == {"data": {}}
    assert signed_in.get("/auth/session").status_code == 200


def test_data_list_shows_no_internal_keys(signed_in):
    signed_in.post("/session/test-cookie")
    signed_in.put("/session/expiry", json={"seconds": 3600})
    signed_in.put("/session/data/mine", json={"value": 1})
    assert signed_in.get("/session/data").json() == {"data": {"mine": 1}}


RESERVED = [
    "_auth_user_id",
    "_auth_user_hash",
    "_auth_user_backend",
    "_session_expiry",
    "_anything",
    "testcookie",
]


def test_reserved_keys_are_refused_on_read_write_and_delete(signed_in):
    signed_in.post("/session/test-cookie")
    signed_in.put("/session/expiry", json={"seconds": 3600})
    for key in RESERVED:
        read = signed_in.get(f"/session/data/{key}")
        assert read.status_code == 404, key
        write = signed_in.put(f"/session/data/{key}", json={"value": "x"})
        assert write.status_code == 400, key
        assert write.json()["code"] == "invalid"
        assert "key" in write.json()["fields"]
        assert signed_in.delete(f"/session/data/{key}").status_code == 404, key
    assert signed_in.get("/auth/session").status_code == 200
    assert signed_in.get("/session/test-cookie").json() == {"cookies_accepted": True}
    assert signed_in.get("/session/expiry").json()["policy"] == "seconds"


@pytest.mark.parametrize(
    "key",
    ["a" * 129, "a%20b", "a%09b", "%00", "a%7Fb", "-leading-dash", ".dot", "%C3%A9", "a%0Ab"],
    ids=["129-chars", "space", "tab", "nul", "del", "dash-first", "dot-first", "non-ascii", "newline"],
)
def test_bad_keys_are_refused_with_400(sqlite_client, key):
    client = sqlite_client
    response = client.put(f"/session/data/{key}", json={"value": 1})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert client.get("/session/data").json() == {"data": {}}


def test_a_key_with_a_slash_is_refused(client):
    response = client.put("/session/data/a/b", json={"value": 1})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert client.get("/session/data/a/b").status_code == 404
    assert client.get("/session/data").json() == {"data": {}}


def test_the_longest_key_is_accepted(client):
    key = "k" + "a._:-" * 25 + "zz"
    assert len(key) == 128
    assert client.put(f"/session/data/{key}", json={"value": 1}).status_code == 201
    assert client.get(f"/session/data/{key}").json()["value"] == 1


@pytest.mark.parametrize("body", [{}, {"val": 1}, {"value": 1, "extra": 2}, [1], "x"], ids=str)
def test_a_body_without_value_is_refused(sqlite_client, body):
    client = sqlite_client
    response = client.put("/session/data/k", json=body)
    if isinstance(body, dict) and "value" in body:
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def _string_of_json_size(size: int) -> str:
    """Return a string whose compact JSON encoding is exactly ``size`` bytes (quotes included)."""
    return "x" * (size - 2)


def test_a_value_at_the_limit_is_accepted_and_one_byte_over_refused(client, engine):
    limit = 2048 if engine_name(engine) == "signed_cookies" else 16 * 1024
    assert client.put("/session/data/keep", json={"value": "before"}).status_code == 201
    over = client.put("/session/data/big", json={"value": _string_of_json_size(16 * 1024 + 1)})
    assert over.status_code == 413
    assert over.json()["code"] == "too_large"
    assert client.get("/session/data").json() == {"data": {"keep": "before"}}
    if engine_name(engine) != "signed_cookies":
        assert client.put("/session/data/big", json={"value": _string_of_json_size(limit)}).status_code == 201


def test_replacing_a_value_past_the_limit_leaves_the_old_value(client):
    client.put("/session/data/k", json={"value": "old"})
    assert (
        client.put("/session/data/k", json={"value": _string_of_json_size(16 * 1024 + 1)}).status_code == 413
    )
    assert client.get("/session/data/k").json()["value"] == "old"


def test_the_session_total_is_bounded(client, engine):
    chunk = _string_of_json_size(1000 if engine_name(engine) == "signed_cookies" else 15 * 1024)
    statuses = [client.put(f"/session/data/k{i}", json={"value": chunk}).status_code for i in range(6)]
    assert 413 in statuses
    first_refused = statuses.index(413)
    assert statuses[:first_refused] == [201] * first_refused
    assert len(client.get("/session/data").json()["data"]) == first_refused


def test_the_key_count_is_bounded(server, engine):
    from tests.support.clients import CookieClient

    client = CookieClient(server.url)
    limit = 32 if engine_name(engine) == "signed_cookies" else 256
    for i in range(limit):
        assert client.put(f"/session/data/k{i}", json={"value": i}).status_code == 201
    refused = client.put("/session/data/one-too-many", json={"value": 0})
    assert refused.status_code == 413
    assert len(client.get("/session/data").json()["data"]) == limit
    assert client.put("/session/data/k0", json={"value": "replaced"}).status_code == 200


def test_a_full_signed_cookie_session_stays_under_4096_bytes(server_pool):
    from tests.support.clients import CookieClient, new_username, register

    server = server_pool.get("signed_cookies")
    name = new_username()
    register(server.url, name)
    client = CookieClient(server.url)
    assert client.login(name).status_code == 200
    # Incompressible data: the worst case for the cookie's size.
    import secrets

    for i in range(64):
        status = client.put(f"/session/data/k{i:02d}", json={"value": secrets.token_urlsafe(48)}).status_code
        if status == 413:
            break
        set_cookie = [c for c in client.http.cookies.jar if c.name == "sessionid"]
        assert set_cookie
    response = client.put("/session/data/last", json={"value": secrets.token_urlsafe(1500)})
    cookies = [h for h in response.headers.get_list("set-cookie") if h.startswith("sessionid=")]
    header = cookies[0] if cookies else "sessionid=" + (client.credential or "")
    assert len(header.encode()) < 4096
    assert client.get("/auth/session").status_code == 200
