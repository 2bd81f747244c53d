"""Sessions people recognise: each row's device, and logins from a device its user has not used lately."""

from __future__ import annotations

import json
import re

import pytest

from tests.accounts.test_audit import audit_lines
from tests.conftest import make_client
from tests.support.clients import PASSWORD, new_username, register
from tests.test_readme import README

CHROME_ON_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
CHROME_ON_MAC_NEWER = CHROME_ON_MAC.replace("Chrome/131", "Chrome/132")
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1"
)
FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def log_in(server, transport, name, user_agent):
    client = make_client(server, transport)
    client.http.headers["User-Agent"] = user_agent
    response = client.login(name)
    assert response.status_code == 200, response.text
    return client, response.json()


def row_of(client) -> dict:
    rows = client.get("/sessions").json()["sessions"]
    return next(row for row in rows if row["current"])


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (CHROME_ON_MAC, {"browser": "Chrome", "os": "Mac OS X", "device": "Mac"}),
        (SAFARI_ON_IPHONE, {"browser": "Mobile Safari", "os": "iOS", "device": "iPhone"}),
        ("", {"browser": "Other", "os": "Other", "device": "Other"}),
        ("<script>alert(1)</script> " + "z" * 600, {"browser": "Other", "os": "Other", "device": "Other"}),
    ],
)
def test_each_row_shows_the_device_its_user_agent_names(server, transport, user_agent, device):
    name = new_username("device")
    register(server.url, name)
    client, _ = log_in(server, transport, name, user_agent)
    assert row_of(client)["device"] == device
    client.close()


def test_a_login_from_a_browser_and_os_not_used_lately_is_a_new_device(server, transport):
    name = new_username("device")
    register(server.url, name)
    first, body = log_in(server, transport, name, CHROME_ON_MAC)
    assert body["new_device"] is True  # the first login of all: no device was known
    again, body = log_in(server, transport, name, CHROME_ON_MAC_NEWER)
    assert body["new_device"] is False  # the same browser and OS, another version
    phone, body = log_in(server, transport, name, SAFARI_ON_IPHONE)
    assert body["new_device"] is True
    rows = {row["id"]: row["new_device"] for row in phone.get("/sessions").json()["sessions"]}
    assert rows == {
        row_of(first)["id"]: True,
        row_of(again)["id"]: False,
        row_of(phone)["id"]: True,
    }
    user_id = body["user"]["id"]
    events = [r for r in audit_lines(server) if r["event"] == "login_new_device" and r["user_id"] == user_id]
    assert [(r["browser"], r["os"], r["first_login"]) for r in events] == [
        ("Chrome", "Mac OS X", True),
        ("Mobile Safari", "iOS", False),
    ]
    for client in (first, again, phone):
        client.close()


def test_a_device_unused_for_the_window_is_new_again(server, transport):
    """NEW_DEVICE_WINDOW (90 days) passing, by moving the device's last login back 91 days."""
    name = new_username("device")
    register(server.url, name)
    first, _ = log_in(server, transport, name, FIREFOX_ON_LINUX)
    server.shell(
        "from datetime import timedelta; from django.utils import timezone;"
        "from sessions_api.models import KnownDevice;"
        f"KnownDevice.objects.filter(user__username={name!r})"
        ".update(last_login_at=timezone.now() - timedelta(days=91))"
    )
    later, body = log_in(server, transport, name, FIREFOX_ON_LINUX)
    assert body["new_device"] is True
    for client in (first, later):
        client.close()


def readme_receiver() -> str:
    section = README.read_text().split("## New-device alerts", 1)[1]
    return re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]


def test_the_readmes_receiver_emails_a_new_device_login_but_not_the_first(sqlite_server):
    """The README's receiver, connected in the service's Django, with Django's in-memory mail backend."""
    name = new_username("mailed")
    register(sqlite_server.url, name, email=f"{name}@example.com")
    script = f"""
import json
from django.core import mail
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()  # the in-memory mail backend, and the test client's host allowed
exec({readme_receiver()!r})

def log_in(user_agent):
    body = {{"username": {name!r}, "password": {PASSWORD!r}, "transport": "header"}}
    response = Client().post(
        "/api/v1/auth/login", body, content_type="application/json", HTTP_X_SESSION_TOKEN="",
        HTTP_USER_AGENT=user_agent,
    )
    assert response.status_code == 200, response.content

log_in({CHROME_ON_MAC!r})
log_in({CHROME_ON_MAC_NEWER!r})
log_in({SAFARI_ON_IPHONE!r})
print(json.dumps([{{"to": m.to, "subject": m.subject, "body": m.body}} for m in mail.outbox]))
"""
    output = sqlite_server.shell(script)
    (sent,) = json.loads(output.strip().splitlines()[-1])
    assert sent["to"] == [f"{name}@example.com"]
    assert sent["subject"] == "New sign-in to your account"
    assert "Mobile Safari on iOS" in sent["body"]
