"""A mobile-style client of the session-auth API, on the Python SDK (clients/python).

It logs in on the header transport (no cookies at all), keeps a little data in the session, sets its
expiry, and logs out. The SDK sends the session token as ``X-Session-Token`` and keeps the newest one the
service hands back (the ``signed_cookies`` engine sends a new one on every write).

    pip install -e clients/python    # make run and make test install it
    python examples/client.py http://127.0.0.1:8000 alice 'her password'

or set SESSION_API_URL, SESSION_API_USERNAME and SESSION_API_PASSWORD instead of the arguments.
Exit code 0 when every call answered as the contract says, 1 when one did not, 2 on bad usage.
"""

from __future__ import annotations

import json
import os
import sys

import httpx
from session_auth_client import ApiError, SessionClient

ENV_NAMES = ("SESSION_API_URL", "SESSION_API_USERNAME", "SESSION_API_PASSWORD")


class UnexpectedAnswer(Exception):
    """A call answered otherwise than the contract says."""


def run(client: SessionClient, username: str, password: str) -> None:
    """Log in, use the session's data and expiry, log out, and show that the token is dead."""
    login = client.auth_login(username, password)
    session = login.session
    print(f"logged in as {login.user.username} (session {session.id}, {session.engine} engine)")

    if not client.session_data_set("cart", ["apple"]):
        raise UnexpectedAnswer("PUT /session/data/cart did not create the key")
    client.session_data_set("cart", ["apple", "pear"])
    print(f"session data: {json.dumps(client.session_data_list())}")

    expiry = client.session_expiry_set(seconds=900)
    print(f"session expires in {expiry.expiry_age} s (policy {expiry.policy})")

    token = client.tokens.get()
    client.auth_logout()
    client.tokens.set(token)  # replay the old token, as a stolen copy would be
    try:
        client.auth_session()
    except ApiError as error:
        if error.status != 401:
            raise
    else:
        raise UnexpectedAnswer("GET /auth/session still answered 200 after logout")
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
    with SessionClient(base_url, transport="header") as client:
        try:
            run(client, username, password)
        except (ApiError, UnexpectedAnswer, httpx.HTTPError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
