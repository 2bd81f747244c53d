"""The Python client (clients/python): generated from openapi.yaml, and used against live services on
every engine configuration and both transports, as an app would use it."""

from __future__ import annotations

import filecmp
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from session_auth_client import (
    ApiError,
    ReauthenticationRequiredError,
    SessionClient,
    Transport,
    with_step_up,
)

from tests.clients.conftest import SDK_SERVER
from tests.conftest import ServerPool, engine_name
from tests.support.clients import PASSWORD, make_staff, new_username, register
from tests.support.server import LiveServer
from tests.support.stores import RedisServer

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "clients" / "python"
GENERATED = PACKAGE / "session_auth_api_client"
STEP_UP = {"REAUTH_MAX_AGE": "2"}

MakeClient = Callable[..., SessionClient]


class RecordingStorage:
    """A token storage that remembers every token it was handed (a keyring would keep the last)."""

    def __init__(self) -> None:
        self.tokens: list[str | None] = []

    def get(self) -> str | None:
        return self.tokens[-1] if self.tokens else None

    def set(self, token: str | None) -> None:
        self.tokens.append(token)


@pytest.fixture
def sdk() -> Iterator[MakeClient]:
    """Make SessionClients of a live server; each is closed when the test ends."""
    made: list[SessionClient] = []

    def make(server: LiveServer, transport: Transport = "cookie", **options: Any) -> SessionClient:
        made.append(SessionClient(server.url, transport=transport, **options))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="session")
def engine_server(engine: str, server_pool: ServerPool) -> Iterator[LiveServer]:
    """The engine of this run, where a password proof is recent for two seconds only."""
    yield server_pool.get(engine, **STEP_UP)
    server_pool.release(engine, **STEP_UP)


def new_user(server: LiveServer) -> str:
    username = new_username("py")
    assert register(server.url, username).status_code == 201
    return username


def ask_password() -> str:
    """What a password dialog would return."""
    return PASSWORD


def session_id(client: SessionClient) -> str:
    """The id of a signed-in client's session."""
    found = client.auth_session().session.id
    assert found is not None
    return found


def refused(call: Callable[[], object]) -> ApiError:
    """Return the ApiError a call raises."""
    with pytest.raises(ApiError) as raised:
        call()
    return raised.value


# --- generated from the schema ---------------------------------------------------------------


def test_the_generated_client_is_what_the_generator_makes_of_openapi_yaml(tmp_path: Path) -> None:
    fresh = tmp_path / "session_auth_api_client"
    done = subprocess.run(
        [sys.executable, str(PACKAGE / "generate.py"), "--output", str(fresh)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    committed = {path.relative_to(GENERATED) for path in GENERATED.rglob("*.py")}
    generated = {path.relative_to(fresh) for path in fresh.rglob("*.py")}
    assert committed == generated, "run `make clients` and commit the result"
    _, mismatched, errors = filecmp.cmpfiles(GENERATED, fresh, sorted(map(str, generated)), shallow=False)
    assert mismatched + errors == [], "run `make clients` and commit the result"


def test_every_operation_of_the_schema_has_a_method() -> None:
    operations = set(re.findall(r"operationId: (\w+)", (ROOT / "openapi.yaml").read_text()))
    missing = {name for name in operations if not callable(getattr(SessionClient, name, None))}
    assert missing == set(), "operations without a method in clients/python/session_auth_client/client.py"


# --- a whole session on every engine and both transports -------------------------------------


def use_data(me: SessionClient) -> None:
    assert me.session_data_set("cart", [1, 2]) is True
    assert me.session_data_set("cart", [1, 2, 3]) is False
    assert me.session_data_get("cart") == [1, 2, 3]
    me.session_data_set("theme", "dark")
    assert me.session_data_list() == {"cart": [1, 2, 3], "theme": "dark"}
    me.session_data_delete("theme")
    missing = refused(lambda: me.session_data_get("theme"))
    assert (missing.status, missing.code, missing.path) == (404, "not_found", "/session/data/theme")
    me.session_data_clear()
    assert me.session_data_list() == {}


def use_expiry_and_the_cookie_check(me: SessionClient) -> None:
    expiry = me.session_expiry_set(seconds=600)
    assert expiry.policy == "seconds" and 0 < expiry.expiry_age <= 600
    assert me.session_expiry_get().policy == "seconds"
    assert me.session_expiry_set(browser_close=True).expire_at_browser_close is True
    assert me.session_expiry_set(default=True).policy == "default"
    invalid = refused(lambda: me.session_expiry_set())
    assert invalid.status == 400 and invalid.code == "invalid"
    me.session_test_cookie_set()
    assert me.session_test_cookie_check() is True
    me.session_test_cookie_delete()
    assert me.session_test_cookie_check() is False


def manage_sessions(me: SessionClient, sdk: MakeClient, server: LiveServer, username: str) -> None:
    """List, rename and revoke sessions of the user, reauthenticating first."""
    phone = sdk(server, me.transport)
    phone.auth_login(username, PASSWORD)
    phone_id = session_id(phone)
    listed = me.sessions_list()
    assert phone_id in {row.id for row in listed} and [row.current for row in listed].count(True) == 1
    named = me.sessions_rename(phone_id, "My phone")
    assert named.name == "My phone" and named.device.browser is not None
    assert me.sessions_rename(phone_id, None).name is None
    assert me.auth_reauthenticate(PASSWORD).user.username == username
    with_step_up(me, ask_password, lambda: me.sessions_revoke(phone_id))
    assert refused(phone.auth_session).status == 401
    sdk(server, me.transport).auth_login(username, PASSWORD)
    assert with_step_up(me, ask_password, me.sessions_revoke_others) == 1
    assert [row.current for row in me.sessions_list()] == [True]


def credential(me: SessionClient) -> str | None:
    """The credential the client holds: its session cookie or its session token."""
    return me.cookies.get("sessionid") if me.transport == "cookie" else me.tokens.get()


def test_a_session_s_whole_life_on_every_engine_and_transport(
    engine_server: LiveServer, engine: str, transport: Transport, sdk: MakeClient
) -> None:
    username = new_user(engine_server)
    storage = RecordingStorage()
    me = sdk(engine_server, transport, token_storage=storage)
    assert me.auth_csrf()
    login = me.auth_login(username, PASSWORD)
    assert login.user.username == username and credential(me)
    if transport == "header":
        assert storage.tokens[-1] == login.session_token and len(me.cookies.jar) == 0
    else:
        assert storage.tokens == []
    who = me.auth_session()
    assert (who.user.username, who.session.transport) == (username, transport)
    assert who.session.engine == engine_name(engine)

    use_data(me)
    use_expiry_and_the_cookie_check(me)
    manage_sessions(me, sdk, engine_server, username)

    before = credential(me)
    me.auth_password_change(PASSWORD, PASSWORD)
    assert credential(me) != before  # a new key: the newest token kept, or the new cookie
    assert me.session_data_set("after-password", True) is True  # a fresh CSRF token on the cookie transport
    me.auth_logout()
    assert refused(me.auth_session).code == "not_authenticated"
    if transport == "header":
        assert storage.get() is None


# --- step-up ---------------------------------------------------------------------------------


def wait_until_stale(me: SessionClient) -> None:
    """Let the session's password proof grow older than REAUTH_MAX_AGE (the time that must pass)."""
    until = me.auth_session().session.privileged_until
    assert isinstance(until, datetime)
    time.sleep(max(0.0, until.timestamp() - time.time()) + 0.2)


def test_a_revoke_with_an_old_password_proof_raises_the_typed_error_until_the_password_is_proved(
    engine_server: LiveServer, transport: Transport, sdk: MakeClient
) -> None:
    username = new_user(engine_server)
    me, other = sdk(engine_server, transport), sdk(engine_server, transport)
    me.auth_login(username, PASSWORD)
    other.auth_login(username, PASSWORD)
    other_id = session_id(other)
    wait_until_stale(me)

    with pytest.raises(ReauthenticationRequiredError) as needed:
        me.sessions_revoke(other_id)
    assert (needed.value.status, needed.value.code) == (403, "reauthentication_required")
    assert needed.value.reauthenticate.path == "/api/v1/auth/reauthenticate"
    assert needed.value.reauthenticate.max_age == 2
    assert other.auth_session().user.username == username  # nothing changed
    assert refused(lambda: me.auth_reauthenticate("wrong")).code == "invalid_credentials"

    asked: list[str] = []

    def ask_and_count() -> str:
        asked.append("password")
        return ask_password()

    before = credential(me)
    with_step_up(me, ask_and_count, lambda: me.sessions_revoke(other_id))
    assert asked == ["password"]
    assert credential(me) != before  # reauthenticating gave the session a new key
    assert refused(other.auth_session).status == 401


# --- errors and staff operations ---------------------------------------------------------------


def test_errors_come_in_the_contract_s_shape_and_name_the_call(
    sdk_server: LiveServer, sdk: MakeClient
) -> None:
    stranger = sdk(sdk_server, "header")
    wrong = refused(lambda: stranger.auth_login(new_username("nobody"), "wrong"))
    assert (wrong.status, wrong.code, wrong.fields) == (401, "invalid_credentials", None)
    assert str(wrong) == f"POST /auth/login answered 401 invalid_credentials: {wrong.detail}"
    invalid = refused(lambda: stranger.auth_register("bad name!", "x"))
    assert (invalid.status, invalid.code) == (400, "invalid")
    assert invalid.fields is not None and {"username", "password"} <= invalid.fields.keys()
    assert refused(lambda: stranger.session_data_get("missing")).status == 404


def test_staff_operations(sdk_server: LiveServer, sdk: MakeClient) -> None:
    staff = sdk(sdk_server, "header")
    staff.auth_login(make_staff(sdk_server), PASSWORD)
    username = new_user(sdk_server)
    target = sdk(sdk_server, "header")
    target.auth_login(username, PASSWORD)
    who = target.auth_session()
    listed = staff.staff_sessions_list(user=who.user.id)
    assert [row.id for row in listed.sessions] == [who.session.id] and listed.next_ is None
    assert staff.staff_sessions_clear_expired() >= 0
    ids = [session_id(target), "no-such-session"]
    assert with_step_up(staff, ask_password, lambda: staff.staff_sessions_revoke(ids)) == 1
    sdk(sdk_server, "header").auth_login(username, PASSWORD)
    assert with_step_up(staff, ask_password, lambda: staff.staff_user_sessions_revoke(who.user.id)) == 1
    assert staff.health().status == "ok"
    assert refused(lambda: target.staff_sessions_list()).status == 401


# --- CSRF, throttling and outages --------------------------------------------------------------


def test_a_cookie_client_whose_csrf_token_went_stale_fetches_it_again(
    sdk_server: LiveServer, sdk: MakeClient
) -> None:
    username = new_user(sdk_server)
    me = sdk(sdk_server)
    me.auth_login(username, PASSWORD)
    assert me.session_data_set("cart", [1]) is True  # the client now holds a CSRF token
    # Another tab of the same browser logs in: the CSRF cookie the client's token matched rotates.
    with httpx.Client(base_url=sdk_server.url + "/api/v1", cookies=me.cookies.jar) as tab:
        token = tab.get("/auth/csrf").json()["csrf_token"]
        login = {"username": username, "password": PASSWORD}
        assert tab.post("/auth/login", json=login, headers={"X-CSRFToken": token}).status_code == 200
    assert me.session_data_set("cart", [2]) is False
    assert me.session_data_get("cart") == [2]


def test_a_429_is_retried_after_its_retry_after_when_short_and_raised_with_it_when_not(
    sdk_server: LiveServer, transport: Transport, sdk: MakeClient
) -> None:
    username = new_user(sdk_server)
    failures = int(SDK_SERVER["LOGIN_FAILURES_PER_USERNAME"])
    for _ in range(failures):
        assert refused(lambda: sdk(sdk_server, transport).auth_login(username, "wrong")).status == 401
    throttled = refused(lambda: sdk(sdk_server, transport, retries=0).auth_login(username, PASSWORD))
    assert (throttled.status, throttled.code) == (429, "throttled")
    assert throttled.retry_after is not None and throttled.retry_after > 0
    impatient = sdk(sdk_server, transport, max_retry_wait=0)
    assert refused(lambda: impatient.auth_login(username, PASSWORD)).status == 429  # not waited for
    patient = sdk(sdk_server, transport, retries=3, max_retry_wait=5)
    assert patient.auth_login(username, PASSWORD).user.username == username


def test_a_503_while_the_store_is_down_is_raised_with_its_code_and_the_client_works_once_it_is_back(
    outage_server: LiveServer, own_redis: RedisServer, transport: Transport, sdk: MakeClient
) -> None:
    username = new_user(outage_server)
    me = sdk(outage_server, transport, retries=0)
    me.auth_login(username, PASSWORD)
    own_redis.stop()
    try:
        down = [refused(me.auth_session), refused(lambda: me.session_data_set("cart", [1]))]
        health = refused(me.health)
    finally:
        own_redis.start()
    for error in down:
        assert (error.status, error.code, error.retry_after) == (503, "service_unavailable", 2)
    assert health.status == 503 and health.body["checks"]["cache"] == "unavailable"
    # Redis came back empty (no persistence): that session is gone; logging in again works at once.
    assert refused(me.auth_session).status == 401
    assert me.auth_login(username, PASSWORD).user.username == username
    assert me.session_data_set("cart", [1]) is True


def test_a_503_is_retried_after_its_retry_after_and_the_call_succeeds_when_the_store_is_back(
    outage_server: LiveServer, own_redis: RedisServer, transport: Transport, sdk: MakeClient
) -> None:
    username = new_user(outage_server)
    own_redis.stop()
    back = threading.Timer(0.5, own_redis.start)  # Redis returns while the client waits out Retry-After
    back.start()
    try:
        start = time.monotonic()
        login = sdk(outage_server, transport, retries=1, max_retry_wait=5).auth_login(username, PASSWORD)
        waited = time.monotonic() - start
    finally:
        back.join()
    assert login.user.username == username
    assert waited >= 2  # the 503's Retry-After, waited out once
