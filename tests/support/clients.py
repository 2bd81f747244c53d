"""HTTP clients that behave like our two kinds of users.

``CookieClient`` is a browser SPA: it keeps cookies and sends the CSRF cookie's value as X-CSRFToken on
unsafe requests. ``HeaderClient`` is a mobile app: no cookie jar at all, the session token in
X-Session-Token, and the newest token it has seen (from the login body or an X-Session-Token response
header) kept, exactly as the contract asks of clients.
"""

from __future__ import annotations

import ipaddress
import itertools
import random
import uuid
from typing import Any

import httpx

PASSWORD = "Correct-horse-battery-42"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class _Verbs:
    """get/post/put/delete over the subclass's request()."""

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        raise NotImplementedError

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)


class CookieClient(_Verbs):
    transport = "cookie"

    def __init__(self, base_url: str, *, csrf: bool = True) -> None:
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=30)
        self.csrf = csrf

    def csrf_token(self) -> str | None:
        return self.http.cookies.get("csrftoken")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if method.upper() in UNSAFE and self.csrf:
            if self.csrf_token() is None:
                self.http.get("/auth/csrf")
            headers.setdefault("X-CSRFToken", self.csrf_token() or "")
        return self.http.request(method, path, headers=headers, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/auth/login", json={"username": username, "password": password})

    @property
    def credential(self) -> str | None:
        return self.http.cookies.get("sessionid")

    def replay_with(self, credential: str | None) -> None:
        """Send this credential from now on (as an attacker or an old tab would)."""
        self.http.cookies.delete("sessionid")
        if credential:
            self.http.cookies.set("sessionid", credential, domain="127.0.0.1")

    def close(self) -> None:
        self.http.close()


class HeaderClient(_Verbs):
    transport = "header"

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=30)
        self.token: str | None = None
        self.set_cookie_seen: list[str] = []

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("X-Session-Token", self.token or "")
        response = self.http.request(method, path, headers=headers, **kwargs)
        self.set_cookie_seen += [
            c for c in response.headers.get_list("set-cookie") if c.startswith("sessionid")
        ]
        self.http.cookies.clear()  # no cookie jar: a mobile app keeps only the token
        if response.headers.get("X-Session-Token"):
            self.token = response.headers["X-Session-Token"]
        return response

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post(
            "/auth/login", json={"username": username, "password": password, "transport": "header"}
        )
        if response.status_code == 200:
            self.token = response.json()["session_token"]
        return response

    @property
    def credential(self) -> str | None:
        return self.token

    def replay_with(self, credential: str | None) -> None:
        self.token = credential

    def close(self) -> None:
        self.http.close()


Client = CookieClient | HeaderClient


_DOCUMENTATION_PREFIX = int(ipaddress.IPv6Address("2001:db8::"))
_subnets = itertools.count(random.randrange(1 << 31))  # noqa: S311 - test data, not crypto


def random_address(*, subnet: str | None = None) -> str:
    """A client address no other test of this run uses (so no other test's lock-out applies to it).

    Each is in a /64 of its own (the throttle counts IPv6 clients by their /64); ``subnet`` (one of
    these addresses) asks for another address in the same /64 as it.
    """
    if subnet is not None:
        return str(ipaddress.IPv6Address(subnet) + random.randrange(2, 1 << 64))  # noqa: S311
    return str(ipaddress.IPv6Address(_DOCUMENTATION_PREFIX + (next(_subnets) << 64) + 1))


def new_username(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def make_staff(server: Any) -> str:
    """Create a staff user on a live server (no endpoint makes one); return its name (password: PASSWORD)."""
    name = new_username("staff")
    server.shell(
        "from django.contrib.auth.models import User;"
        f"User.objects.create_user('{name}', password='{PASSWORD}', is_staff=True)"
    )
    return name


def register(
    base_url: str, username: str, password: str = PASSWORD, email: str = "", address: str | None = None
) -> httpx.Response:
    """Register a user over the API (the header transport needs no CSRF dance).

    From ``address``, or from an address of its own: a server that believes X-Forwarded-For (the
    hardened ones) then counts no two registrations of different tests against one limit.
    """
    body = {"username": username, "password": password, "email": email}
    headers = {"X-Session-Token": "", "X-Forwarded-For": address or random_address()}
    return httpx.post(base_url + "/api/v1/auth/register", json=body, headers=headers, timeout=30)
