"""Registration."""

from __future__ import annotations

from tests.support.clients import PASSWORD, new_username, register


def test_register_creates_a_user_who_is_not_logged_in(client):
    name = new_username()
    response = client.post(
        "/auth/register", json={"username": name, "password": PASSWORD, "email": "a@example.com"}
    )
    assert response.status_code == 201
    assert response.json()["user"]["username"] == name
    assert client.get("/auth/session").status_code == 401
    assert client.login(name).status_code == 200


def test_register_refuses_a_taken_name_a_weak_password_and_a_bad_email(sqlite_server):
    name = new_username()
    assert register(sqlite_server.url, name).status_code == 201
    taken = register(sqlite_server.url, name)
    assert taken.status_code == 400 and "username" in taken.json()["fields"]
    weak = register(sqlite_server.url, new_username(), password="password")
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    bad_email = register(sqlite_server.url, new_username(), email="not-an-email")
    assert bad_email.status_code == 400 and "email" in bad_email.json()["fields"]


def test_register_is_403_when_switched_off(server_pool):
    closed = server_pool.get("db-sqlite", REGISTRATION_OPEN="0")
    response = register(closed.url, new_username())
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
