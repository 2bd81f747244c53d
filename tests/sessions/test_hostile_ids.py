"""Hostile session ids are no session: never a 500, never shared, never a file outside the directory."""

from __future__ import annotations

import json
import secrets

import httpx

HOSTILE = {
    "empty": b"",
    "short": b"abc",
    "long": b"a" * 8000,
    "dotdot": b"../../../../etc/passwd",
    "dotdot-32": b"../" * 10 + b"ab",
    "backslash": b"..\\..\\windows\\win.ini",
    "non-ascii": "sessiön-ключ-🔑".encode(),
    "sql": b"' OR '1'='1",
    "nul-ish": b"%00%00%00",
    "uppercase-32": b"A" * 32,
}


def send(server, transport: str, key: bytes, method: str = "GET", path: str = "/session/data", **kw):
    headers: dict[bytes, bytes] = (
        {b"X-Session-Token": key} if transport == "header" else {b"Cookie": b"sessionid=" + key}
    )
    if method != "GET" and transport == "cookie":
        csrf = httpx.get(server.url + "/api/v1/auth/csrf")
        token = csrf.json()["csrf_token"]
        headers = {
            b"Cookie": b"sessionid=" + key + b"; csrftoken=" + csrf.cookies["csrftoken"].encode(),
            b"X-CSRFToken": token.encode(),
        }
    return httpx.request(method, server.url + "/api/v1" + path, headers=headers, timeout=30, **kw)


def test_a_hostile_id_is_no_session(server, transport):
    for name, key in HOSTILE.items():
        read = send(server, transport, key)
        assert read.status_code == 200, (name, read.text)
        assert read.json() == {"data": {}}, name
        assert send(server, transport, key, path="/auth/session").status_code == 401, name
        write = send(server, transport, key, "PUT", "/session/data/mine", json={"value": name})
        assert write.status_code == 201, name
        new_key = write.headers.get("X-Session-Token") or write.cookies.get("sessionid")
        assert new_key and new_key.encode() != key, name


def test_two_clients_with_the_same_hostile_id_never_share_a_session(server, transport):
    key = b"../shared"
    send(server, transport, key, "PUT", "/session/data/owner", json={"value": "first"})
    assert send(server, transport, key).json() == {"data": {}}


def test_an_id_longer_than_the_server_reads_is_refused_without_a_500(server, transport):
    response = send(server, transport, b"a" * 10_000)
    assert response.status_code in (200, 400, 431)
    assert response.status_code != 500


def test_a_tampered_signed_cookie_is_no_session(server_pool, transport):
    from tests.support.clients import CookieClient, HeaderClient, new_username, register

    server = server_pool.get("signed_cookies")
    name = new_username()
    register(server.url, name)
    client = CookieClient(server.url) if transport == "cookie" else HeaderClient(server.url)
    client.login(name)
    token = client.credential or ""
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert send(server, transport, tampered.encode(), path="/auth/session").status_code == 401


def store_records(server) -> str:
    """Count what the store and the registry hold (rows, cache keys, files), through Django itself."""
    return server.shell(
        "import os; from django.conf import settings; from sessions_api.models import Session;"
        "from sessions_api.models import UserSession;"
        "counts = [UserSession.objects.count(), Session.objects.count()];"
        "from django.core.cache import cache;"
        "counts.append(len(cache.keys('*django.contrib.sessions*')) if settings.REDIS_URL else 0);"
        "path = settings.SESSION_FILE_PATH;"
        "counts.append(len(os.listdir(path)) if os.path.isdir(path) else 0);"
        "print(counts)"
    ).strip()


def test_a_thousand_requests_with_random_ids_create_no_records(server):
    before = store_records(server)
    paths = ["/session/data", "/session/expiry", "/session/test-cookie", "/session/data/k", "/auth/session"]
    with httpx.Client(base_url=server.url + "/api/v1", timeout=30) as http:
        for i in range(1000):
            key = secrets.token_hex(16)  # half by cookie, half by header
            headers = {"X-Session-Token": key} if i % 2 else {"Cookie": f"sessionid={key}"}
            assert http.get(paths[i % len(paths)], headers=headers).status_code in (200, 401, 404)
    after = store_records(server)
    # Nothing new anywhere (cache entries may expire meanwhile, so fewer is fine).
    assert all(a <= b for a, b in zip(json.loads(after), json.loads(before), strict=True)), (before, after)
