"""The TypeScript client in headless Chromium, on the cookie transport: Node has no cookie jar.

The client is loaded as the demo SPA loads it (examples/spa/sdk, through the SPA's own import map; a
test in tests/clients fails when that copy is not the built client), by the SPA's page with a test
script for its app.js. It calls the API on another origin, one that allows it (CORS,
CSRF_TRUSTED_ORIGINS) and counts a password proof as recent for two seconds (step-up). The page records
every request the client sends, to check what it did on its own: fetch the CSRF token again, retry.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.static_server import StaticServer
from tests.browser.test_spa import api_origin, check_session_cookie_is_out_of_scripts_reach, session_cookie
from tests.support.clients import PASSWORD, HeaderClient, new_username, register
from tests.support.server import LiveServer

# The SPA's app.js, swapped for this: the page, its import map and the client stay the SPA's own.
TEST_SCRIPT = """
import * as sdk from "@session-auth/client";

const calls = [];  // "METHOD /path status" of every request a client sent
const recorded = async (input, init = {}) => {
  const response = await fetch(input, init);
  calls.push(`${init.method ?? "GET"} ${new URL(input).pathname} ${response.status}`);
  return response;
};
const client = (baseUrl) => new sdk.SessionClient({ baseUrl, fetch: recorded });
// What a call threw, as data (null when it did not throw).
async function failure(call) {
  try {
    await call();
    return null;
  } catch (error) {
    return {
      name: error.name,
      isApiError: error instanceof sdk.ApiError,
      isReauthenticationRequired: error instanceof sdk.ReauthenticationRequiredError,
      status: error.status,
      code: error.code,
      reauthenticate: error.reauthenticate ?? null,
    };
  }
}
Object.assign(window, { sdk, calls, client, failure });
"""


@pytest.fixture
def sdk_page(page: Page, spa_server: StaticServer, spa_step_up_api: LiveServer) -> Page:
    """The SPA's page with TEST_SCRIPT for its app; `api` is a SessionClient on the cookie transport.

    A page Playwright fulfils itself would not do: Chromium counts such a document as public, and refuses
    it requests to the loopback API (Local Network Access). A script it fulfils is fine.
    """
    page.route(
        f"{spa_server.origin}/app.js",
        lambda route: route.fulfill(content_type="text/javascript", body=TEST_SCRIPT),
    )
    page.goto(f"{spa_server.origin}/")
    page.wait_for_function("() => window.client !== undefined")
    page.evaluate("(base) => { window.base = base; window.api = client(base); }", api_origin(spa_step_up_api))
    return page


def log_in(page: Page, server: LiveServer, prefix: str) -> dict[str, Any]:
    username = new_username(prefix)
    assert register(server.url, username).status_code == 201
    return page.evaluate(  # type: ignore[no-any-return]
        "([username, password]) => api.authLogin({ username, password })", [username, PASSWORD]
    )


def calls(page: Page) -> list[str]:
    return page.evaluate("() => calls")  # type: ignore[no-any-return]


def test_a_browser_app_lives_a_whole_session_on_the_cookie_transport(
    sdk_page: Page, context: BrowserContext, spa_step_up_api: LiveServer
) -> None:
    page, api = sdk_page, api_origin(spa_step_up_api)
    token = page.evaluate("() => api.authCsrf()")
    assert isinstance(token, str) and len(token) >= 32
    login = log_in(page, spa_step_up_api, "ts-cookie")
    assert login["session"]["transport"] == "cookie" and not login.get("session_token")
    me = page.evaluate("() => api.authSession()")
    assert (me["user"], me["session"]["id"]) == (login["user"], login["session"]["id"])
    check_session_cookie_is_out_of_scripts_reach(page, context, api)

    written = page.evaluate("""async () => [
        await api.sessionDataSet("cart", { items: 2 }),
        await api.sessionDataSet("cart", { items: 3 }),
        await api.sessionDataSet("theme", "dark"),
        await api.sessionDataGet("cart"),
    ]""")
    assert written == [{"created": True}, {"created": False}, {"created": True}, {"items": 3}]
    assert page.evaluate("() => api.sessionDataList()") == {"cart": {"items": 3}, "theme": "dark"}
    page.evaluate("() => api.sessionDataDelete('theme')")
    assert page.evaluate("() => api.sessionDataList()") == {"cart": {"items": 3}}
    page.evaluate("() => api.sessionDataClear()")
    assert page.evaluate("() => api.sessionDataList()") == {}

    assert page.evaluate("() => api.sessionExpirySet({ seconds: 600 })")["policy"] == "seconds"
    assert 500 < page.evaluate("() => api.sessionExpiryGet()")["expiry_age"] <= 600
    cookie = session_cookie(context, api)
    assert cookie is not None and 500 < cookie["expires"] - time.time() <= 601  # the browser's cookie follows
    accepted = page.evaluate("""async () => {
        await api.sessionTestCookieSet();
        const accepted = await api.sessionTestCookieCheck();
        await api.sessionTestCookieDelete();
        return accepted;
    }""")
    assert accepted is True  # the marker came back with the browser's cookie

    phone = HeaderClient(spa_step_up_api.url)
    try:
        assert phone.login(me["user"]["username"]).status_code == 200
        phone_id = phone.get("/auth/session").json()["session"]["id"]
        listed = page.evaluate("() => api.sessionsList()")
        assert {row["id"]: row["current"] for row in listed} == {me["session"]["id"]: True, phone_id: False}
        renamed = page.evaluate("(id) => api.sessionsRename(id, 'My phone')", phone_id)
        assert renamed["name"] == "My phone"
        assert page.evaluate("(id) => api.sessionsRename(id, null)", phone_id)["name"] is None
    finally:
        phone.close()

    page.evaluate("() => api.authLogout()")
    assert session_cookie(context, api) is None
    after = page.evaluate("() => failure(() => api.authSession())")
    assert (after["isApiError"], after["status"], after["code"]) == (True, 401, "not_authenticated")
    # The token was fetched again after login, so no write had a stale one to recover from.
    assert [call for call in calls(page) if call.endswith(" 403")] == []


def test_a_write_refused_for_a_stale_csrf_token_is_sent_once_more_with_a_fresh_one(
    sdk_page: Page, spa_step_up_api: LiveServer
) -> None:
    page = sdk_page
    log_in(page, spa_step_up_api, "ts-csrf")
    assert page.evaluate("() => api.sessionDataSet('tab', 1)") == {"created": True}  # the token is kept
    # Another tab of the same app proves the password: that rotates the CSRF token under this one.
    page.evaluate("(password) => client(base).authReauthenticate(password)", PASSWORD)
    before = len(calls(page))
    assert page.evaluate("() => api.sessionDataSet('tab', 2)") == {"created": False}
    assert calls(page)[before:] == [
        "PUT /api/v1/session/data/tab 403",
        "GET /api/v1/auth/csrf 200",
        "PUT /api/v1/session/data/tab 200",
    ]
    assert page.evaluate("() => api.sessionDataGet('tab')") == 2


def test_a_revoke_with_an_old_password_proof_raises_the_typed_error_and_with_step_up_recovers(
    sdk_page: Page, spa_step_up_api: LiveServer
) -> None:
    page = sdk_page
    login = log_in(page, spa_step_up_api, "ts-stepup")
    phone = HeaderClient(spa_step_up_api.url)
    try:
        assert phone.login(login["user"]["username"]).status_code == 200
        phone_id = phone.get("/auth/session").json()["session"]["id"]
        time.sleep(2.2)  # REAUTH_MAX_AGE=2: the login's password proof grows old
        refused = page.evaluate("(id) => failure(() => api.sessionsRevoke(id))", phone_id)
        assert refused == {
            "name": "ReauthenticationRequiredError",
            "isApiError": True,
            "isReauthenticationRequired": True,
            "status": 403,
            "code": "reauthentication_required",
            "reauthenticate": {"path": "/api/v1/auth/reauthenticate", "max_age": 2},
        }
        assert phone.get("/auth/session").status_code == 200  # the refused revoke changed nothing
        wrong = page.evaluate("() => failure(() => api.authReauthenticate('not the password'))")
        assert (wrong["isReauthenticationRequired"], wrong["status"], wrong["code"]) == (
            False,
            401,
            "invalid_credentials",
        )

        before = len(calls(page))
        asked = page.evaluate(
            """async ([id, password]) => {
                const asked = [];
                const askPassword = async () => {
                    asked.push("password");
                    return password;
                };
                await sdk.withStepUp(api, askPassword, () => api.sessionsRevoke(id));
                return asked;
            }""",
            [phone_id, PASSWORD],
        )
        assert asked == ["password"]
        assert calls(page)[before:] == [
            f"DELETE /api/v1/sessions/{phone_id} 403",
            "POST /api/v1/auth/reauthenticate 200",
            "GET /api/v1/auth/csrf 200",  # reauthenticating rotated it
            f"DELETE /api/v1/sessions/{phone_id} 204",
        ]
        assert phone.get("/auth/session").status_code == 401
        listed = page.evaluate("() => api.sessionsList()")
        assert [row["id"] for row in listed] == [login["session"]["id"]]
    finally:
        phone.close()
