"""Changing the password ends every other session and keeps this one under a new key."""

from __future__ import annotations

from tests.support.clients import PASSWORD


def test_password_change_ends_other_sessions_and_keeps_this_one(signed_in, second_device, username):
    before = signed_in.credential
    response = signed_in.post(
        "/auth/password", json={"current_password": PASSWORD, "new_password": "Another-good-pass-77"}
    )
    assert response.status_code == 204, response.text
    assert signed_in.credential != before
    assert signed_in.get("/auth/session").status_code == 200
    assert second_device.get("/auth/session").status_code == 401
    assert signed_in.login(username, "Another-good-pass-77").status_code == 200


def test_old_key_of_the_changed_session_is_dead(signed_in):
    before = signed_in.credential
    signed_in.post(
        "/auth/password", json={"current_password": PASSWORD, "new_password": "Another-good-pass-77"}
    )
    signed_in.replay_with(before)
    assert signed_in.get("/auth/session").status_code == 401


def test_wrong_current_password_is_400_and_changes_nothing(signed_in, username):
    response = signed_in.post(
        "/auth/password", json={"current_password": "nope", "new_password": "Another-good-pass-77"}
    )
    assert response.status_code == 400
    assert "current_password" in response.json()["fields"]
    assert signed_in.login(username, PASSWORD).status_code == 200


def test_weak_new_password_is_400(signed_in):
    response = signed_in.post("/auth/password", json={"current_password": PASSWORD, "new_password": "123"})
    assert response.status_code == 400
    assert "new_password" in response.json()["fields"]


def test_password_change_needs_a_session(client):
    response = client.post(
        "/auth/password", json={"current_password": PASSWORD, "new_password": "Another-good-pass-77"}
    )
    assert response.status_code == 401
