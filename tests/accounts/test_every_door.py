"""Every door guarded: each password check throttled, registration bounded, look-alike names refused,
and no older token of a session outliving what the session became. On every engine configuration."""

from __future__ import annotations

import re
import threading
import time

import httpx
import pytest

from tests.accounts.test_audit import audit_lines
from tests.conftest import make_client
from tests.support.clients import PASSWORD, make_staff, new_username, random_address, register

NEW_PASSWORD = "Another-good-pass-77"


def api_login(server, name: str, password: str, address: str) -> httpx.Response:
    return httpx.post(
        server.url + "/api/v1/auth/login",
        json={"username": name, "password": password, "transport": "header"},
        headers={"X-Forwarded-For": address},
    )


def admin_login(server, name: str, password: str, address: str) -> tuple[httpx.Response, str | None]:
    """Post Django's admin login form as a browser would; return the answer and the session cookie."""
    with httpx.Client(base_url=server.url, headers={"X-Forwarded-For": address}) as browser:
        page = browser.get("/admin/login/?next=/admin/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:300]
        form = {"csrfmiddlewaretoken": token.group(1), "username": name, "password": password}
        answer = browser.post("/admin/login/?next=/admin/", data=form)
        return answer, browser.cookies.get("sessionid")


def whoami(server, cookie: str | None) -> int:
    cookies = {"sessionid": cookie} if cookie else {}
    return httpx.get(server.url + "/api/v1/auth/session", cookies=cookies).status_code


# --- 1. the admin's login form is behind the same throttle ----------------------------------------


def test_the_admin_form_refuses_a_username_the_api_locked(hardened_server):
    server, name = hardened_server, make_staff(hardened_server)
    for _ in range(3):
        assert api_login(server, name, "wrong", random_address()).status_code == 401
    assert api_login(server, name, PASSWORD, random_address()).status_code == 429

    answer, cookie = admin_login(server, name, PASSWORD, random_address())
    assert answer.status_code == 200 and "Too many failed logins" in answer.text
    assert whoami(server, cookie) == 401, "the admin form handed out a signed-in session"


def test_failed_admin_logins_count_for_the_api_and_are_audited(hardened_server):
    server, name = hardened_server, make_staff(hardened_server)
    for _ in range(3):
        answer, cookie = admin_login(server, name, "wrong", random_address())
        assert answer.status_code == 200 and whoami(server, cookie) == 401
    locked = api_login(server, name, PASSWORD, random_address())
    assert locked.status_code == 429 and "Retry-After" in locked.headers

    events = [r["event"] for r in audit_lines(server) if r.get("username") == name]
    assert events.count("login_failed") == 3 and "login_locked" in events, events


def test_an_admin_login_is_audited_with_its_session(hardened_server):
    server, name = hardened_server, make_staff(hardened_server)
    answer, cookie = admin_login(server, name, PASSWORD, random_address())
    assert answer.status_code == 302
    session = httpx.get(server.url + "/api/v1/auth/session", cookies={"sessionid": cookie or ""})
    assert session.status_code == 200
    user_id, session_id = session.json()["user"]["id"], session.json()["session"]["id"]
    logins = [r for r in audit_lines(server) if r["event"] == "login" and r.get("user_id") == user_id]
    assert [r["session_id"] for r in logins] == [session_id]


# --- 1. a signed-in session cannot guess the current password without limit ------------------------


def test_wrong_current_passwords_are_throttled_like_logins(hardened_server, transport):
    name = new_username()
    register(hardened_server.url, name)
    client = make_client(hardened_server, transport)
    client.http.headers["X-Forwarded-For"] = random_address()
    assert client.login(name).status_code == 200
    change = {"current_password": "wrong", "new_password": NEW_PASSWORD}
    for _ in range(3):
        refused = client.post("/auth/password", json=change)
        assert refused.status_code == 400 and "current_password" in refused.json()["fields"]
    locked = client.post("/auth/password", json={**change, "current_password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["code"] == "throttled" and int(locked.headers["Retry-After"]) >= 1
    assert client.get("/auth/session").status_code == 200, "the session itself goes on"
    assert api_login(hardened_server, name, NEW_PASSWORD, random_address()).status_code == 429
    client.close()


# --- 2. registration is throttled per address -------------------------------------------------------


def test_registrations_are_throttled_per_client_address(hardened_server):
    address = random_address()
    for _ in range(3):
        assert register(hardened_server.url, new_username(), address=address).status_code == 201
    name = new_username()
    refused = register(hardened_server.url, name, address=address)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled" and 1 <= int(refused.headers["Retry-After"]) <= 3
    assert register(hardened_server.url, name, address=random_address()).status_code == 201, (
        "the refused attempt created nothing, and another address is not limited"
    )


def test_rotating_addresses_inside_one_ipv6_64_does_not_escape_the_registration_limit(hardened_server):
    subnet = random_address()
    for _ in range(3):
        register(hardened_server.url, new_username(), address=random_address(subnet=subnet))
    refused = register(hardened_server.url, new_username(), address=random_address(subnet=subnet))
    assert refused.status_code == 429


# --- 3. look-alike usernames ----------------------------------------------------------------------


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("look_alike", [full_width, lambda name: name[:-1] + "\u00b9"])
def test_a_look_alike_of_a_taken_username_is_a_400_not_a_500(server, look_alike):
    name = new_username("alice") + "1"
    assert register(server.url, name).status_code == 201
    taken = register(server.url, look_alike(name))
    assert taken.status_code == 400, taken.text
    assert taken.json()["fields"]["username"] == ["A user with that username already exists."]


def test_a_full_width_username_logs_in_as_the_user(server):
    name = new_username("bob")
    register(server.url, name)
    answer = api_login(server, full_width(name), PASSWORD, random_address())
    assert answer.status_code == 200 and answer.json()["user"]["username"] == name


def test_one_new_name_registered_at_once_many_times_is_one_201_and_400s(server):
    name, answers = new_username("race"), []

    def attempt() -> None:
        answers.append(register(server.url, name).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] + [400] * 7


def test_the_username_counter_folds_look_alikes(hardened_server):
    name = new_username()
    for variant in (name, name.upper(), full_width(name)):
        assert api_login(hardened_server, variant, "wrong", random_address()).status_code == 401
    assert api_login(hardened_server, name, "wrong", random_address()).status_code == 429


# --- 4, 5. no older token outlives what the session became ---------------------------------------


def test_a_token_from_before_a_shorter_expiry_does_not_outlive_it(signed_in):
    before = signed_in.credential
    assert signed_in.put("/session/expiry", json={"seconds": 2}).status_code == 200
    after = signed_in.credential
    if before != after:  # signed_cookies: the token is the data, and the data changed
        signed_in.replay_with(before)
        assert signed_in.get("/auth/session").status_code == 401
        signed_in.replay_with(after)
    assert signed_in.get("/auth/session").status_code == 200, "replaying the old token ended nothing"
    time.sleep(2.5)  # the expiry is a clock
    for token in (after, before):
        signed_in.replay_with(token)
        assert signed_in.get("/auth/session").status_code == 401


def test_replaying_the_token_from_before_a_password_change_leaves_the_new_session(signed_in):
    before = signed_in.credential
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert signed_in.post("/auth/password", json=change).status_code == 204
    after = signed_in.credential
    assert after != before
    signed_in.replay_with(before)
    assert signed_in.get("/auth/session").status_code == 401
    assert signed_in.post("/auth/logout").status_code == 204
    signed_in.replay_with(after)
    assert signed_in.get("/auth/session").status_code == 200, "the old token ended the new session"


# --- 7. IPv6 clients are counted by their /64 -------------------------------------------------------


def test_rotating_addresses_inside_one_ipv6_64_does_not_reset_the_login_limit(hardened_server):
    subnet = random_address()
    for _ in range(5):
        answer = api_login(hardened_server, new_username(), "wrong", random_address(subnet=subnet))
        assert answer.status_code == 401
    locked = api_login(hardened_server, new_username(), "wrong", random_address(subnet=subnet))
    assert locked.status_code == 429
    assert api_login(hardened_server, new_username(), "wrong", random_address()).status_code == 401


def test_admin_enabled_0_serves_no_admin_at_all(server_pool):
    closed = server_pool.get("db-sqlite", ADMIN_ENABLED="0")
    assert httpx.get(closed.url + "/admin/login/").status_code == 404
    assert httpx.get(closed.url + "/api/v1/auth/csrf").status_code == 200
