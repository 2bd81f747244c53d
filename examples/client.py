"""A mobile-style client of the session-auth API: the header transport, and no cookies at all.

It logs in with ``"transport": "header"``, sends the session token back as ``X-Session-Token``, keeps
the newest token the service hands back (the ``signed_cookies`` engine sends a new one on every
write), keeps a little data in the session, sets its expiry, and logs out.

    pip install httpx
    python examples/client.py http://127.0.0.1:8000 alice 'her password'

or set SESSION_API_URL, SESSION_API_USERNAME and SESSION_API_PASSWORD instead of the arguments.
Exit code 0 when every call answered as the contract says, 1 when one did not, 2 on bad usage.
"""

from __future__ import annotations

import json
import os
import sys
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

TOKEN_HEADER = "X-Session-Token"
ENV_NAMES = ("SESSION_API_URL", "SESSION_API_USERNAME", "SESSION_API_PASSWORD")


class ApiError(Exception):
    """A call answered with a status the client did not expect."""


class SessionClient:
    """Send the newest session token on every request; store no cookie, as a mobile app would."""

    def __init__(self, base_url: str) -> None:
        self.token = ""  # sent empty until login: "header transport, no session yet"
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v1",
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # accepts none
            timeout=10,
        )

    def call(self, method: str, path: str, expect: int, body: Any = None) -> dict[str, Any]:
        """Send one request, keep any new token, and return the JSON body if the status is `expect`."""
        response = self.http.request(method, path, json=body, headers={TOKEN_HEADER: self.token})
        self.token = response.headers.get(TOKEN_HEADER, self.token)
        if response.status_code != expect:
            raise ApiError(f"{method} {path} answered {response.status_code}, not {expect}: {response.text}")
        return response.json() if response.content else {}

    def login(self, username: str, password: str) -> dict[str, Any]:
        """Log in on the header transport and keep the session token."""
        body = {"username": username, "password": password, "transport": "header"}
        result = self.call("POST", "/auth/login", 200, body)
        self.token = result["session_token"]
        return result

    def close(self) -> None:
        self.http.close()


def run(client: SessionClient, username: str, password: str) -> None:
    """Log in, use the session's data and expiry, log out, and show that the token is dead."""
    login = client.login(username, password)
    session = login["session"]
    print(f"logged in as {login['user']['username']} (session {session['id']}, {session['engine']} engine)")

    client.call("PUT", "/session/data/cart", 201, {"value": ["apple"]})
    client.call("PUT", "/session/data/cart", 200, {"value": ["apple", "pear"]})
    data = client.call("GET", "/session/data", 200)["data"]
    print(f"session data: {json.dumps(data)}")

    expiry = client.call("PUT", "/session/expiry", 200, {"seconds": 900})
    print(f"session expires in {expiry['expiry_age']} s (policy {expiry['policy']})")

    client.call("POST", "/auth/logout", 204)
    client.call("GET", "/auth/session", 401)
    print("logged out: the old token now gets 401")


def arguments(argv: list[str]) -> tuple[str, str, str] | None:
    """Return base URL, username and password from the arguments, else from the environment."""
    values = argv or [os.environ.get(name, "") for name in ENV_NAMES]
    if len(values) != 3 or not all(values):
        return None
    return values[0], values[1], values[2]


def main(argv: list[str] | None = None) -> int:
    given = arguments(sys.argv[1:] if argv is None else argv)
    if given is None:
        print(f"usage: client.py BASE_URL USERNAME PASSWORD (or set {', '.join(ENV_NAMES)})", file=sys.stderr)
        return 2
    base_url, username, password = given
    client = SessionClient(base_url)
    try:
        run(client, username, password)
    except (ApiError, httpx.HTTPError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
