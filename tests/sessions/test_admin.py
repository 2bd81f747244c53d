"""The registry in the Django admin: staff see every session, read-only, and can revoke them."""

from __future__ import annotations

import re

import httpx

from tests.support.clients import PASSWORD, HeaderClient, new_username, register


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def test_staff_revoke_a_session_from_the_admin(sqlite_server):
    admin_name, victim_name = new_username("admin"), new_username("victim")
    sqlite_server.shell(
        "from django.contrib.auth.models import User;"
        f"User.objects.create_superuser('{admin_name}', 'a@example.com', '{PASSWORD}')"
    )
    register(sqlite_server.url, victim_name)
    victim = HeaderClient(sqlite_server.url)
    victim.login(victim_name)
    victim_id = victim.get("/auth/session").json()["session"]["id"]

    with httpx.Client(base_url=sqlite_server.url, follow_redirects=True) as browser:
        page = browser.get("/admin/login/?next=/admin/")
        browser.post(
            "/admin/login/?next=/admin/",
            data={
                "csrfmiddlewaretoken": form_token(page.text),
                "username": admin_name,
                "password": PASSWORD,
            },
        )
        listing = browser.get("/admin/sessions_api/usersession/")
        assert listing.status_code == 200
        assert victim_id in listing.text
        assert "Add user session" not in listing.text  # read-only: nothing to add
        done = browser.post(
            "/admin/sessions_api/usersession/",
            data={
                "csrfmiddlewaretoken": form_token(listing.text),
                "action": "revoke",
                "_selected_action": [victim_id],
                "index": "0",
            },
        )
        assert "1 session(s) revoked." in done.text  # the admin's messages work outside the API
        assert victim_id not in browser.get("/admin/sessions_api/usersession/").text

    assert victim.get("/auth/session").status_code == 401
