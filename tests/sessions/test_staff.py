"""Staff endpoints: list everyone's sessions, end a user's sessions, clear expired ones."""

from __future__ import annotations

from base64 import b64encode

import pytest

from tests.support.clients import CookieClient, HeaderClient, make_staff, new_username, register


@pytest.fixture(scope="session")
def staff_name(server) -> str:
    return make_staff(server)


@pytest.fixture
def staff(server, staff_name):
    client = CookieClient(server.url)
    assert client.login(staff_name).status_code == 200
    yield client
    client.close()


def test_staff_lists_all_sessions_page_by_page(server, staff):
    names = [new_username() for _ in range(3)]
    for name in names:
        register(server.url, name)
        CookieClient(server.url).login(name)
    seen, cursor, pages = [], None, 0
    while True:
        response = staff.get("/admin/sessions", params={"cursor": cursor} if cursor else {})
        assert response.status_code == 200
        body = response.json()
        seen += body["sessions"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break
    assert len({s["id"] for s in seen}) == len(seen) >= 4


def test_staff_filters_by_user(server, staff):
    name = new_username()
    register(server.url, name)
    user = CookieClient(server.url)
    user.login(name)
    user_id = user.get("/auth/session").json()["user"]["id"]
    body = staff.get("/admin/sessions", params={"user": user_id}).json()
    assert [s["user"] for s in body["sessions"]] == [user_id]
    assert body["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        "user=abc",
        "user=",
        "user=0",
        "user=1.0",
        "user=%2B1",
        "user=%EF%BC%91",  # a full-width 1
        "user=2147483648",  # past the user table's 32-bit key (SQLite's integers overflowed)
        "user=99999999999999999999",
        "user=1&user=2",
        "user=abc&user=",
        "cursor=&cursor=",
    ],
)
def test_a_malformed_staff_query_is_400(staff, query):
    answer = staff.get("/admin/sessions?" + query)
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "invalid" and set(answer.json()["fields"]) <= {"user", "cursor"}


def test_bad_staff_query_is_400(staff):
    assert staff.get("/admin/sessions", params={"user": "abc"}).status_code == 400
    bad_cursor = staff.get("/admin/sessions", params={"cursor": "garbage"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["code"] == "invalid"


def _cursor(raw: bytes) -> str:
    return b64encode(raw).decode("ascii")


FORGED_CURSORS = {
    "p-garbage": _cursor(b"p=garbage"),
    "p-huge-number": _cursor(b"p=" + b"9" * 40),
    "p-past-the-calendar": _cursor(b"p=9999-12-31 23:59:59.999999-14:00"),  # year 10000 in UTC
    "o-negative": _cursor(b"o=-5"),
    "o-huge": _cursor(b"o=" + b"9" * 40),
    "r-2": _cursor(b"r=2"),
    "unknown-part": _cursor(b"x=1"),
    "repeated-part": _cursor(b"o=1&o=2"),
    "not-base64": "not base64!",
    "bad-padding": "abc",
    "not-utf8": _cursor(b"\xff\xfep=\xe9"),
}


@pytest.mark.parametrize("cursor", FORGED_CURSORS.values(), ids=FORGED_CURSORS.keys())
def test_a_forged_staff_cursor_is_400(staff, cursor):
    response = staff.get("/admin/sessions", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["cursor"]


def test_a_cursor_the_service_gave_still_works(server, staff):
    name = new_username()
    register(server.url, name)
    devices = [HeaderClient(server.url) for _ in range(51)]  # one more than a page
    for device in devices:
        assert device.login(name).status_code == 200
    user_id = devices[0].get("/auth/session").json()["user"]["id"]
    first = staff.get("/admin/sessions", params={"user": user_id}).json()
    assert len(first["sessions"]) == 50
    second = staff.get("/admin/sessions", params={"user": user_id, "cursor": first["next"]})
    assert second.status_code == 200
    assert len(second.json()["sessions"]) == 1
    assert second.json()["next"] is None


def test_staff_ends_all_sessions_of_a_user(server, staff):
    name = new_username()
    register(server.url, name)
    devices = [CookieClient(server.url) for _ in range(2)]
    for device in devices:
        device.login(name)
    user_id = devices[0].get("/auth/session").json()["user"]["id"]
    response = staff.delete(f"/admin/users/{user_id}/sessions")
    assert response.json() == {"revoked": 2}
    assert all(device.get("/auth/session").status_code == 401 for device in devices)
    assert staff.delete("/admin/users/999999999/sessions").status_code == 404


def test_clear_expired_deletes_expired_sessions(server, staff):
    import time

    name = new_username()
    register(server.url, name)
    short = CookieClient(server.url)
    short.login(name)
    short.put("/session/expiry", json={"seconds": 1})
    time.sleep(1.5)  # waiting for the clock, not for a server
    response = staff.post("/admin/sessions/clear-expired")
    assert response.status_code == 200
    assert response.json()["deleted"] >= 1
    assert staff.post("/admin/sessions/clear-expired").json()["deleted"] == 0


def test_staff_endpoints_refuse_other_users(signed_in):
    for method, path in (
        ("get", "/admin/sessions"),
        ("delete", "/admin/users/1/sessions"),
        ("post", "/admin/sessions/clear-expired"),
    ):
        response = getattr(signed_in, method)(path)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


def test_staff_endpoints_need_a_login(client):
    assert client.get("/admin/sessions").status_code == 401
