"""Staff end many sessions in one call: POST /admin/sessions/revoke {"ids": [...]}."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in_client
from tests.support.clients import make_staff, new_username, register


@pytest.fixture
def staff(server, transport):
    client = signed_in_client(server, transport, make_staff(server))
    yield client
    client.close()


def signed_in_user(server, transport, sessions: int = 1):
    name = new_username("bulk")
    register(server.url, name)
    return [signed_in_client(server, transport, name) for _ in range(sessions)]


def session_id(client) -> str:
    return client.get("/auth/session").json()["session"]["id"]


def test_named_sessions_of_several_users_end_and_unknown_ids_are_not_counted(server, transport, staff):
    alice = signed_in_user(server, transport, sessions=2)
    bob, kept = signed_in_user(server, transport), signed_in_user(server, transport)
    ids = [session_id(alice[0]), session_id(alice[1]), session_id(bob[0]), "no-such-session"]
    revoked = staff.post("/admin/sessions/revoke", json={"ids": [*ids, ids[0]]})
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"revoked": 3}
    for client in (*alice, *bob):
        assert client.get("/auth/session").status_code == 401
    assert kept[0].get("/auth/session").status_code == 200
    again = staff.post("/admin/sessions/revoke", json={"ids": ids})
    assert again.json() == {"revoked": 0}
    assert staff.post("/admin/sessions/revoke", json={"ids": []}).json() == {"revoked": 0}
    for client in (*alice, *bob, *kept):
        client.close()


@pytest.mark.parametrize(
    "body",
    [
        {"ids": ["x"] * 501},
        {"ids": "abc"},
        {"ids": [7]},
        {"ids": [None]},
        {"ids": ["bad id"]},
        {"ids": ["\x00"]},
        {"ids": ["x" * 65]},
        {},
    ],
)
def test_a_bad_list_is_400_and_ends_nothing(server, transport, staff, body):
    (user,) = signed_in_user(server, transport)
    refused = staff.post("/admin/sessions/revoke", json=body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid" and "ids" in refused.json().get("fields", {"ids": 1})
    assert user.get("/auth/session").status_code == 200
    user.close()


def test_five_hundred_ids_are_one_call(server, transport, staff):
    (user,) = signed_in_user(server, transport)
    ids = [session_id(user), *(f"unknown-{n}" for n in range(499))]
    assert staff.post("/admin/sessions/revoke", json={"ids": ids}).json() == {"revoked": 1}
    assert user.get("/auth/session").status_code == 401
    user.close()


def test_only_staff_may_revoke_in_bulk(server, transport):
    first, second = signed_in_user(server, transport, sessions=2)
    refused = first.post("/admin/sessions/revoke", json={"ids": [session_id(second)]})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert second.get("/auth/session").status_code == 200
    for client in (first, second):
        client.close()
