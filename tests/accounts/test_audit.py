"""The audit trail: one JSON line per security event, never a password or a session key."""

from __future__ import annotations

import json

import httpx

from tests.support.clients import PASSWORD, HeaderClient, new_username, register

NEW_PASSWORD = "Another-good-pass-77"


def audit_lines(server) -> list[dict]:
    lines = []
    for line in server.log_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "audit":
                lines.append(record)
    return lines


def test_every_security_event_is_one_json_line_without_secrets(hardened_server):
    server = hardened_server
    name = new_username("audited")
    register(server.url, name)
    agent = {"User-Agent": "audit-test/1.0", "X-Forwarded-For": "203.0.113.7"}
    device, other = HeaderClient(server.url), HeaderClient(server.url)
    device.http.headers.update(agent)
    other.http.headers.update(agent)
    device.login(name)
    other.login(name)
    user_id = device.get("/auth/session").json()["user"]["id"]
    session_id = device.get("/auth/session").json()["session"]["id"]
    other_id = other.get("/auth/session").json()["session"]["id"]
    device.delete(f"/sessions/{other_id}")
    device.post("/auth/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    device.post("/auth/logout")
    for _ in range(4):  # three failures, then the lock-out
        httpx.post(
            server.url + "/api/v1/auth/login",
            headers=agent,
            json={"username": name, "password": "wrong-guess", "transport": "header"},
        )

    mine = [r for r in audit_lines(server) if r.get("user_id") == user_id or r.get("username") == name]
    events = [r["event"] for r in mine]
    for event in ("login", "session_revoked", "password_changed", "logout", "login_failed", "login_locked"):
        assert event in events, events
    login = next(r for r in mine if r["event"] == "login")
    assert login["session_id"] == session_id
    assert login["ip"] == "203.0.113.7"
    assert login["user_agent"] == "audit-test/1.0"
    revoked = next(r for r in mine if r["event"] == "session_revoked")
    assert revoked["session_id"] == other_id

    log = server.log_text()
    for secret in (PASSWORD, NEW_PASSWORD, "wrong-guess", device.credential, other.credential):
        assert secret and secret not in log
