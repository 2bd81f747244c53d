"""The demo SPA (examples/spa) in headless Chromium, served on another origin than the API.

The SPA is at http://localhost:<port A> and the API at http://localhost:<port B>: two origins, one site,
as `make demo` runs them. What is asserted is what a person sees on the page, plus the browser's own
cookie jar.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import BrowserContext, Cookie, Locator, Page, expect

from tests.browser.static_server import StaticServer
from tests.support.clients import PASSWORD, CookieClient, HeaderClient, new_username, register
from tests.support.server import LiveServer


def api_origin(server: LiveServer) -> str:
    """Return the API's origin under the SPA's host name, localhost, so the cookies are same-site."""
    return f"http://localhost:{server.port}"


@pytest.fixture
def spa(page: Page, spa_server: StaticServer, spa_api: LiveServer) -> Page:
    page.goto(f"{spa_server.origin}/?api={api_origin(spa_api)}")
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    return page


def session_cookie(context: BrowserContext, api: str) -> Cookie | None:
    return next((c for c in context.cookies(api) if c["name"] == "sessionid"), None)


def check_session_cookie_is_out_of_scripts_reach(page: Page, context: BrowserContext, api: str) -> None:
    """The browser holds the session cookie, HttpOnly; the page's scripts never see it."""
    cookie = session_cookie(context, api)
    assert cookie is not None and cookie["httpOnly"] is True
    visible = page.evaluate("document.cookie")
    # Cookies ignore ports: the SPA's origin sees the API's non-HttpOnly CSRF cookie, so it is HttpOnly
    # alone, not the other origin, that keeps the session cookie away from its scripts.
    assert "csrftoken=" in visible
    assert "sessionid" not in visible


def rows(page: Page, table: str) -> Locator:
    return page.get_by_role("table", name=table).locator("tbody tr")


def test_a_visitor_goes_from_registering_to_logging_out_in_the_spa(
    spa: Page, context: BrowserContext, spa_api: LiveServer
) -> None:
    page, api, username = spa, api_origin(spa_api), new_username("spa")
    message = page.get_by_role("status")

    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(message).to_have_text(f"Registered {username}; now log in.")

    page.get_by_role("button", name="Log in").click()
    expect(message).to_have_text(f"Logged in as {username}.")
    expect(page.locator("#whoami")).to_contain_text(f"Signed in as {username}")
    check_session_cookie_is_out_of_scripts_reach(page, context, api)

    # Session data: add, edit (and see it survive a reload), delete. Each write needs the CSRF token
    # fetched again after login, so these also prove the SPA follows the rotation.
    page.get_by_label("Key").fill("cart")
    page.get_by_label("Value (JSON)").fill('{"items": 2}')
    page.get_by_role("button", name="Save").click()
    expect(message).to_have_text("Saved cart.")
    expect(rows(page, "Session data").locator("td")).to_have_text(
        ["cart", '{"items":2}', "Edit cart", "Delete cart"]
    )
    page.get_by_role("button", name="Edit cart").click()
    page.get_by_label("Value (JSON)").fill('{"items": 3}')
    page.get_by_role("button", name="Save").click()
    expect(rows(page, "Session data").locator("td").nth(1)).to_have_text('{"items":3}')
    page.reload()
    expect(page.locator("#whoami")).to_contain_text(f"Signed in as {username}")
    expect(rows(page, "Session data").locator("td").nth(1)).to_have_text('{"items":3}')
    page.get_by_role("button", name="Delete cart").click()
    expect(message).to_have_text("Deleted cart.")
    expect(rows(page, "Session data")).to_have_count(0)
    check_session_cookie_is_out_of_scripts_reach(page, context, api)

    # Expiry: the page shows the new policy, and the browser's cookie follows it.
    page.get_by_label("Expire").select_option(label="after idle seconds")
    page.get_by_label("Seconds", exact=True).fill("600")
    page.get_by_role("button", name="Set expiry").click()
    expect(message).to_have_text("Expiry set: seconds.")
    expect(page.locator("#expiry")).to_contain_text("Policy: seconds; expires in 600 s")
    cookie = session_cookie(context, api)
    assert cookie is not None and 500 < cookie["expires"] - time.time() <= 601
    page.get_by_label("Expire").select_option(label="when the browser closes")
    page.get_by_role("button", name="Set expiry").click()
    expect(message).to_have_text("Expiry set: browser_close.")
    expect(page.locator("#expiry")).to_have_text(
        "Policy: browser_close; the session ends when the browser closes."
    )
    cookie = session_cookie(context, api)
    assert cookie is not None and cookie["expires"] == -1  # a browser-session cookie

    page.get_by_role("button", name="Check cookies").click()
    expect(page.locator("#cookie-result")).to_have_text("Cookies accepted: yes")

    # Other devices of the same user show up in the list and can be ended from here: one by one, or
    # all at once.
    phone = CookieClient(spa_api.url)
    laptop = HeaderClient(spa_api.url)
    try:
        assert phone.login(username).status_code == 200
        assert laptop.login(username).status_code == 200
        page.get_by_role("button", name="Refresh sessions").click()
        expect(rows(page, "My sessions")).to_have_count(3)
        this_one = rows(page, "My sessions").filter(has_text="HeadlessChrome")
        expect(this_one.locator("td").nth(1)).to_have_text("yes")
        expect(this_one.get_by_role("button", name="Revoke")).to_be_disabled()
        phone_row = rows(page, "My sessions").filter(has_text="cookie").filter(has_text="python-httpx")
        phone_id = phone_row.locator("td").first.inner_text()
        phone_row.get_by_role("button", name=f"Revoke session {phone_id}").click()
        expect(message).to_have_text(f"Revoked session {phone_id}.")
        expect(rows(page, "My sessions")).to_have_count(2)
        assert phone.get("/auth/session").status_code == 401
        page.get_by_role("button", name="Revoke all others").click()
        expect(message).to_have_text("Revoked 1 other session(s).")
        expect(rows(page, "My sessions")).to_have_count(1)
        assert laptop.get("/auth/session").status_code == 401
    finally:
        phone.close()
        laptop.close()

    page.get_by_role("button", name="Log out").click()
    expect(message).to_have_text("Logged out.")
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    expect(rows(page, "My sessions")).to_have_count(0)
    assert session_cookie(context, api) is None
    page.reload()
    expect(page.locator("#whoami")).to_have_text("Not signed in")


def test_an_spa_on_an_origin_the_api_does_not_allow_cannot_call_it(
    page: Page, spa_server: StaticServer, sqlite_server: LiveServer
) -> None:
    # sqlite_server has no CORS_ALLOWED_ORIGINS: the browser refuses the SPA the API's answers.
    page.goto(f"{spa_server.origin}/?api={api_origin(sqlite_server)}")
    expect(page.get_by_role("status")).to_have_text("Error Failed to fetch")
    expect(page.locator("#whoami")).to_have_text("Loading…")


def test_the_spa_asks_for_the_password_when_a_revoke_needs_a_recent_proof_and_names_sessions(
    page: Page, spa_server: StaticServer, spa_step_up_api: LiveServer
) -> None:
    api, username = spa_step_up_api, new_username("stepup")
    page.goto(f"{spa_server.origin}/?api={api_origin(api)}")
    expect(page.locator("#whoami")).to_have_text("Not signed in")
    message = page.get_by_role("status")
    assert register(api.url, username).status_code == 201
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(message).to_have_text(f"Logged in as {username}.")
    expect(page.locator("#privileged")).to_contain_text("revoking sessions needs no password until")

    phone = HeaderClient(api.url)
    try:
        assert phone.login(username).status_code == 200
        phone_id = phone.get("/auth/session").json()["session"]["id"]
        page.get_by_role("button", name="Refresh sessions").click()
        phone_row = rows(page, "My sessions").filter(has_text=phone_id)
        phone_row.get_by_label(f"Name of session {phone_id}").fill("My phone")
        phone_row.get_by_role("button", name=f"Rename session {phone_id}").click()
        expect(message).to_have_text(f'Named session {phone_id} "My phone".')
        expect(rows(page, "My sessions").filter(has_text=phone_id).locator("td").nth(2)).to_have_text(
            "My phone"
        )

        time.sleep(2.2)  # REAUTH_MAX_AGE=2: the login's password proof grows old
        page.reload()
        expect(page.locator("#privileged")).to_contain_text("revoking sessions will ask for it again")
        rows(page, "My sessions").filter(has_text=phone_id).get_by_role(
            "button", name=f"Revoke session {phone_id}"
        ).click()
        dialog = page.get_by_role("dialog", name="Confirm it is you")
        expect(dialog).to_be_visible()
        assert phone.get("/auth/session").status_code == 200  # the refused revoke changed nothing
        dialog.get_by_label("Your password").fill(PASSWORD)
        dialog.get_by_role("button", name="Confirm").click()
        expect(message).to_have_text(f"Revoked session {phone_id}.")
        expect(rows(page, "My sessions")).to_have_count(1)
        assert phone.get("/auth/session").status_code == 401
        expect(page.locator("#privileged")).to_contain_text("revoking sessions needs no password until")
    finally:
        phone.close()
