"""A throttled login is refused before the password hasher runs, so a flood of them cannot pin the CPU."""

from __future__ import annotations

import time

from tests.support.clients import HeaderClient


def timed_login(client: HeaderClient, username: str, password: str) -> tuple[int, float, str | None]:
    started = time.perf_counter()
    response = client.login(username, password)
    return response.status_code, time.perf_counter() - started, response.headers.get("Retry-After")


def test_failed_logins_past_the_limit_are_refused_without_a_hash(server, username):
    client = HeaderClient(server.url)
    failed = [timed_login(client, username, "wrong-password") for _ in range(10)]
    assert {status for status, _, _ in failed} == {401}
    refused = [timed_login(client, username, "wrong-password") for _ in range(5)]
    assert {status for status, _, _ in refused} == {429}
    assert all(0 < int(retry or 0) <= 15 * 60 for _, _, retry in refused)
    assert client.login(username).status_code == 429  # the right password too: nothing is checked
    # How much cheaper a refused attempt is, is measured by `make bench` (throttled logins per second),
    # not here: test servers use a fast hasher.
