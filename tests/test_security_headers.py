"""Cookie attributes and response headers that keep sessions private."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.clients import PASSWORD, CookieClient, HeaderClient, new_username, register

ROOT = Path(__file__).resolve().parents[1]


def cookie_header(response: httpx.Response, name: str) -> str:
    matches = [h for h in response.headers.get_list("set-cookie") if h.startswith(name + "=")]
    assert matches, response.headers
    return matches[0]


def test_session_cookie_is_httponly_lax_and_scoped_to_the_root(server, username):
    client = CookieClient(server.url)
    response = client.login(username)
    cookie = cookie_header(response, "sessionid")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie


def _login_by_hand(server, cookie_name: str) -> httpx.Response:
    """Log in with Secure cookies over plain HTTP: the cookies are passed along by hand."""
    name = new_username()
    register(server.url, name)
    csrf = httpx.get(server.url + "/api/v1/auth/csrf")
    token = csrf.json()["csrf_token"]
    raw = cookie_header(csrf, "csrftoken").split(";")[0]
    return httpx.post(
        server.url + "/api/v1/auth/login",
        json={"username": name, "password": PASSWORD},
        headers={"X-CSRFToken": token, "Cookie": raw, "Referer": server.url + "/"},
    )


def test_secure_and_host_prefixed_cookies_when_configured(server_pool):
    server = server_pool.get(
        "db-sqlite", SESSION_COOKIE_SECURE="1", CSRF_COOKIE_SECURE="1", SESSION_COOKIE_NAME="__Host-sessionid"
    )
    response = _login_by_hand(server, "__Host-sessionid")
    assert response.status_code == 200, response.text
    cookie = cookie_header(response, "__Host-sessionid")
    assert "Secure" in cookie
    assert "Path=/" in cookie
    assert "Domain" not in cookie
    assert "Secure" in cookie_header(response, "csrftoken")


@pytest.mark.parametrize("path", ["/auth/session", "/session/data", "/session/expiry", "/sessions"])
def test_session_dependent_responses_are_never_cached(signed_in, path):
    response = signed_in.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    vary = response.headers.get("Vary", "")
    assert ("Cookie" if signed_in.transport == "cookie" else "X-Session-Token") in vary


def test_no_session_key_or_token_ever_appears_in_a_url_or_location(signed_in):
    credential = signed_in.credential or ""
    for path in ("/auth/session", "/session/data", "/sessions"):
        response = signed_in.get(path)
        assert "Location" not in response.headers
        assert credential not in str(response.url)
    for entry in signed_in.get("/sessions").json()["sessions"]:
        assert entry["id"] != credential and entry["id"] not in credential


def test_production_settings_pass_check_deploy():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "api.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("Configuration error: SECRET_KEY is not set")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"SESSION_ENGINE": "memcached"}, "SESSION_ENGINE"),
        ({"SESSION_ENGINE": "cache"}, "REDIS_URL"),
        ({"SESSION_ENGINE": "cached_db"}, "REDIS_URL"),
    ],
)
def test_a_bad_engine_setting_stops_start_up_with_one_line(env, names):
    full = {"PATH": "/usr/bin:/bin", "SECRET_KEY": secrets.token_urlsafe(50), **env}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.match(r"Configuration error: .*" + names, lines[0])


def test_header_transport_never_sets_a_session_cookie(server, username):
    client = HeaderClient(server.url)
    client.login(username)
    client.put("/session/data/k", json={"value": 1})
    client.put("/session/expiry", json={"seconds": 100})
    client.post("/auth/password", json={"current_password": PASSWORD, "new_password": "Another-good-pass-77"})
    client.post("/auth/logout")
    assert client.set_cookie_seen == []
