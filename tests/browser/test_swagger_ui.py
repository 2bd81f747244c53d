"""Swagger UI at /api/docs/, driven as a person would: expand, "Try it out", "Execute", read the status.

Login rotates the CSRF token. Swagger UI as drf-spectacular ships it sends the token printed into the
page when it loaded, so a logout after a login from the same page would get 403; our
``requestInterceptor`` reads the cookie when each request leaves instead.
"""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

from tests.support.clients import PASSWORD, new_username, register
from tests.support.server import LiveServer


def operation(page: Page, tag: str, operation_id: str) -> Locator:
    return page.locator(f"#operations-{tag}-{operation_id}")


def try_it_out(page: Page, tag: str, operation_id: str, body: dict | None = None) -> Locator:
    """Expand an operation, press "Try it out", fill the body, "Execute"; return the live response."""
    block = operation(page, tag, operation_id)
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    if body is not None:
        block.locator("textarea.body-param__text").fill(json.dumps(body))
    block.get_by_role("button", name="Execute").click()
    return block.locator(".live-responses-table tbody tr.response")


def test_swagger_ui_logs_in_reads_the_session_and_logs_out_from_one_page(
    page: Page, sqlite_server: LiveServer
) -> None:
    username = new_username("swagger")
    assert register(sqlite_server.url, username).status_code == 201
    page.goto(sqlite_server.url + "/api/docs/")
    expect(operation(page, "auth", "auth_csrf")).to_be_visible()

    csrf = try_it_out(page, "auth", "auth_csrf")
    expect(csrf.locator(".response-col_status")).to_have_text("200")

    login = try_it_out(
        page, "auth", "auth_login", {"username": username, "password": PASSWORD, "transport": "cookie"}
    )
    expect(login.locator(".response-col_status")).to_have_text("200")
    expect(login.locator(".response-col_description")).to_contain_text(f'"username": "{username}"')

    who = try_it_out(page, "auth", "auth_session")
    expect(who.locator(".response-col_status")).to_have_text("200")
    expect(who.locator(".response-col_description")).to_contain_text(f'"username": "{username}"')

    # The token printed into the page is stale now: only the cookie's current one passes.
    logout = try_it_out(page, "auth", "auth_logout")
    expect(logout.locator(".response-col_status")).to_have_text("204")

    who_again = operation(page, "auth", "auth_session")
    who_again.get_by_role("button", name="Execute").click()
    expect(who_again.locator(".live-responses-table tbody .response-col_status")).to_have_text("401")
