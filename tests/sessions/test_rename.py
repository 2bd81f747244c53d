"""Sessions people can recognise: a name of their choosing on each of their sessions."""

from __future__ import annotations

import pytest

from tests.conftest import make_client
from tests.support.clients import new_username, register


def my_id(client) -> str:
    return client.get("/auth/session").json()["session"]["id"]


def listed(client) -> dict[str, str | None]:
    return {row["id"]: row["name"] for row in client.get("/sessions").json()["sessions"]}


def test_a_session_is_named_and_unnamed_and_the_list_shows_it(signed_in, second_device):
    other = my_id(second_device)
    assert listed(signed_in)[other] is None
    renamed = signed_in.request("PATCH", f"/sessions/{other}", json={"name": "Work laptop 💻"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["id"] == other and renamed.json()["name"] == "Work laptop 💻"
    assert renamed.json()["current"] is False
    assert listed(second_device)[other] == "Work laptop 💻"
    cleared = signed_in.request("PATCH", f"/sessions/{other}", json={"name": None})
    assert cleared.status_code == 200 and cleared.json()["name"] is None
    assert listed(signed_in)[other] is None


def test_a_session_can_name_itself(signed_in):
    mine = my_id(signed_in)
    named = signed_in.request("PATCH", f"/sessions/{mine}", json={"name": "  Phone  "})
    assert named.json() == {**named.json(), "current": True, "name": "  Phone  "}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x" * 65},
        {"name": ""},
        {"name": "line\nbreak"},
        {"name": "tab\there"},
        {"name": "bell\x07"},
        {"name": "right-to-left \u202e override"},
        {"name": "line separator \u2028"},
        {"name": 7},
        {},
    ],
)
def test_a_bad_name_is_400_and_changes_nothing(signed_in, body):
    mine = my_id(signed_in)
    signed_in.request("PATCH", f"/sessions/{mine}", json={"name": "kept"})
    refused = signed_in.request("PATCH", f"/sessions/{mine}", json=body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid" and "name" in refused.json()["fields"]
    assert listed(signed_in)[mine] == "kept"


def test_sixty_four_characters_are_a_name(signed_in):
    mine = my_id(signed_in)
    assert signed_in.request("PATCH", f"/sessions/{mine}", json={"name": "x" * 64}).status_code == 200


def test_another_users_session_or_an_unknown_id_is_404(server, signed_in, transport):
    stranger_name = new_username()
    register(server.url, stranger_name)
    stranger = make_client(server, transport)
    assert stranger.login(stranger_name).status_code == 200
    theirs = my_id(stranger)
    for session_id in (theirs, "no-such-session", "%00", "x" * 300):
        refused = signed_in.request("PATCH", f"/sessions/{session_id}", json={"name": "mine now"})
        assert refused.status_code == 404, (session_id, refused.text)
        assert refused.json()["code"] == "not_found"
    assert listed(stranger)[theirs] is None
    stranger.close()


def test_renaming_needs_a_signed_in_session(client):
    assert client.request("PATCH", "/sessions/anything", json={"name": "x"}).status_code == 401


def test_a_session_revoked_while_it_is_renamed_is_gone_not_a_server_error(server, second_device):
    """Found by the fuzzer: a revocation between the rename's UPDATE and its read-back was a 500."""
    other = my_id(second_device)
    revoke_between = f"""
from django.db import connection
from sessions_api import services
from sessions_api.models import UserSession

def revoke_after_the_update(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if sql.lstrip().upper().startswith("UPDATE"):
        UserSession.objects.filter(pk={other!r}).delete()
    return result

user_id = UserSession.objects.get(pk={other!r}).user_id
with connection.execute_wrapper(revoke_after_the_update):
    print("renamed:", services.session_rename(user_id=user_id, entry_id={other!r}, name="x"))
"""
    assert "renamed: None" in server.shell(revoke_between)
    assert second_device.get("/auth/session").status_code == 401
