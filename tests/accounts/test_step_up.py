"""Step-up (contract v1.1): revoking sessions needs a recent password proof; reauthenticating gives one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from tests.accounts.test_audit import audit_lines
from tests.conftest import ServerPool, make_client, signed_in_client
from tests.support.clients import PASSWORD, Client, CookieClient, make_staff, new_username, register
from tests.support.server import LiveServer

STEP_UP = {"REAUTH_MAX_AGE": "2"}
REAUTHENTICATE = {"path": "/api/v1/auth/reauthenticate", "max_age": 2}


@pytest.fixture(scope="session")
def step_up_server(engine: str, server_pool: ServerPool) -> Iterator[LiveServer]:
    """The engine of this run, where a password proof is recent for two seconds only."""
    yield server_pool.get(engine, **STEP_UP)
    server_pool.release(engine, **STEP_UP)


def session_of(client: Client) -> dict:
    response = client.get("/auth/session")
    assert response.status_code == 200, response.text
    return response.json()["session"]


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_until_stale(client: Client) -> None:
    """Let the session's password proof grow older than REAUTH_MAX_AGE (the time that must pass)."""
    until = moment(session_of(client)["privileged_until"]).timestamp()
    time.sleep(max(0.0, until - time.time()) + 0.2)


def assert_reauthentication_required(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "reauthentication_required" and body["detail"]
    assert body["reauthenticate"] == REAUTHENTICATE


def test_a_login_is_a_password_proof_and_the_session_says_until_when_it_counts(signed_in, second_device):
    session = session_of(signed_in)
    proved, until = moment(session["authenticated_at"]), moment(session["privileged_until"])
    assert abs(proved - moment(session["created_at"])) < timedelta(seconds=1)
    assert until - proved == timedelta(seconds=300)  # REAUTH_MAX_AGE's default
    rows = {row["id"]: row for row in signed_in.get("/sessions").json()["sessions"]}
    assert rows[session["id"]]["authenticated_at"] == session["authenticated_at"]
    assert rows[session_of(second_device)["id"]]["authenticated_at"]
    # Fresh: revoking needs no new proof.
    assert signed_in.delete(f"/sessions/{session_of(second_device)['id']}").status_code == 204


def test_a_stale_proof_revokes_nothing_until_the_password_is_proved_again(step_up_server, transport):
    name = new_username("stepup")
    register(step_up_server.url, name)
    device, other = (
        signed_in_client(step_up_server, transport, name),
        signed_in_client(step_up_server, transport, name),
    )
    assert device.put("/session/data/cart", json={"value": [1, 2]}).status_code in (200, 201)
    before, other_id = session_of(device), session_of(other)["id"]
    wait_until_stale(device)

    assert_reauthentication_required(device.delete(f"/sessions/{other_id}"))
    assert_reauthentication_required(device.post("/sessions/revoke-others"))
    assert other.get("/auth/session").status_code == 200  # nothing changed

    wrong = device.post("/auth/reauthenticate", json={"password": "not-the-password"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    assert session_of(device)["id"] == before["id"]  # a wrong password does not end the session

    old_credential = device.credential
    proved = device.post("/auth/reauthenticate", json={"password": PASSWORD})
    assert proved.status_code == 200, proved.text
    after = proved.json()["session"]
    assert proved.json()["user"]["username"] == name
    assert device.credential and device.credential != old_credential  # a new key
    assert (after["id"], after["created_at"]) == (before["id"], before["created_at"])
    assert moment(after["authenticated_at"]) > moment(before["authenticated_at"])
    assert moment(after["privileged_until"]) > moment(before["privileged_until"])
    assert device.get("/session/data/cart").json()["value"] == [1, 2]

    assert device.delete(f"/sessions/{other_id}").status_code == 204
    assert other.get("/auth/session").status_code == 401

    # Every earlier cookie or token of the session is dead: none can carry the old proof forward.
    replay = make_client(step_up_server, transport)
    replay.replay_with(old_credential)
    assert replay.get("/auth/session").status_code == 401
    assert session_of(device)["id"] == before["id"]

    events = [r["event"] for r in audit_lines(step_up_server) if r.get("session_id") == before["id"]]
    for event in ("reauthentication_required", "reauthentication_failed", "reauthenticated"):
        assert event in events, events
    for client in (device, other, replay):
        client.close()


def test_reauthentication_rotates_the_csrf_token(server, username):
    device = CookieClient(server.url)
    assert device.login(username).status_code == 200
    device.get("/auth/csrf")
    old_token = device.csrf_token()
    assert device.post("/auth/reauthenticate", json={"password": PASSWORD}).status_code == 200
    assert device.csrf_token() and device.csrf_token() != old_token
    refused = device.put("/session/data/k", json={"value": 1}, headers={"X-CSRFToken": old_token or ""})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert device.put("/session/data/k", json={"value": 1}).status_code == 201
    device.close()


def test_a_password_change_is_a_proof_too(step_up_server, transport):
    name = new_username("stepup")
    register(step_up_server.url, name)
    device = signed_in_client(step_up_server, transport, name)
    wait_until_stale(device)
    changed = device.post(
        "/auth/password", json={"current_password": PASSWORD, "new_password": "Fresh-proof-55"}
    )
    assert changed.status_code == 204, changed.text
    assert device.post("/sessions/revoke-others").status_code == 200
    device.close()


def test_wrong_reauthentication_passwords_lock_the_login_too(server, signed_in, username):
    for _ in range(10):  # LOGIN_FAILURES_PER_USERNAME's default
        assert signed_in.post("/auth/reauthenticate", json={"password": "guess"}).status_code == 401
    locked = signed_in.post("/auth/reauthenticate", json={"password": PASSWORD})
    assert locked.status_code == 429 and locked.json()["code"] == "throttled"
    assert int(locked.headers["Retry-After"]) > 0
    other = make_client(server, signed_in.transport)
    assert other.login(username).status_code == 429
    assert signed_in.get("/auth/session").status_code == 200  # the session goes on
    other.close()


@pytest.mark.parametrize("body", [{}, {"password": 7}, {"password": None}, {"password": "x" * 5000}])
def test_a_bad_reauthentication_body_is_400(signed_in, body):
    refused = signed_in.post("/auth/reauthenticate", json=body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid"


def test_reauthentication_needs_a_signed_in_session(client):
    refused = client.post("/auth/reauthenticate", json={"password": PASSWORD})
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"


def test_staff_revocations_need_a_recent_proof_too(step_up_server, transport):
    victim = new_username("victim")
    register(step_up_server.url, victim)
    target = signed_in_client(step_up_server, transport, victim)
    target_session = session_of(target)
    staff = signed_in_client(step_up_server, transport, make_staff(step_up_server))
    user_id = target.get("/auth/session").json()["user"]["id"]
    wait_until_stale(staff)
    assert_reauthentication_required(staff.delete(f"/admin/users/{user_id}/sessions"))
    assert_reauthentication_required(
        staff.post("/admin/sessions/revoke", json={"ids": [target_session["id"]]})
    )
    assert target.get("/auth/session").status_code == 200
    assert staff.post("/auth/reauthenticate", json={"password": PASSWORD}).status_code == 200
    assert staff.post("/admin/sessions/revoke", json={"ids": [target_session["id"]]}).json() == {"revoked": 1}
    assert target.get("/auth/session").status_code == 401
    for client in (target, staff):
        client.close()


def test_step_up_switched_off_counts_every_session_privileged(server_pool):
    server = server_pool.get("db-sqlite", REAUTH_MAX_AGE="0")
    name = new_username("stepoff")
    register(server.url, name)
    device = signed_in_client(server, "header", name)
    session = session_of(device)
    assert moment(session["privileged_until"]) - moment(session["authenticated_at"]) > timedelta(days=29)
    assert device.post("/sessions/revoke-others").status_code == 200
    device.close()
    server_pool.release("db-sqlite", REAUTH_MAX_AGE="0")
