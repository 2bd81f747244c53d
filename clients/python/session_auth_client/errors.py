"""Errors in the contract's shape: every answer outside 2xx is raised as one of these."""

from __future__ import annotations

import math
from typing import Any

import httpx
from session_auth_api_client.models.reauthenticate import Reauthenticate

API_ROOT = "/api/v1"


class ApiError(Exception):
    """An answer outside 2xx: its ``status`` and the contract's ``code``, ``detail`` and ``fields``."""

    def __init__(self, response: httpx.Response) -> None:
        body = _json_object(response)
        self.status: int = response.status_code
        self.code: str = _text(body.get("code")) or f"http_{self.status}"
        self.detail: str = _text(body.get("detail")) or "The service answered without details."
        fields = body.get("fields")
        self.fields: dict[str, list[str]] | None = fields if isinstance(fields, dict) else None
        # Seconds the service asked to wait (429, 503), when it said.
        self.retry_after: float | None = retry_after_of(response)
        self.body: dict[str, Any] = body
        self.method: str = response.request.method
        self.path: str = api_path(response.request.url)
        super().__init__(f"{self.method} {self.path} answered {self.status} {self.code}: {self.detail}")


class ReauthenticationRequiredError(ApiError):
    """The call needs a recent password proof: ask for the password, call auth_reauthenticate, retry."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response)
        # Where to prove the password, and how long a proof counts as recent (seconds).
        extra = self.body.get("reauthenticate")
        if isinstance(extra, dict):
            self.reauthenticate = Reauthenticate.from_dict(extra)
        else:
            self.reauthenticate = Reauthenticate(path=f"{API_ROOT}/auth/reauthenticate", max_age=0)


def error_of(response: httpx.Response) -> ApiError:
    """Return the error a non-2xx answer stands for (its body must have been read)."""
    if _json_object(response).get("code") == "reauthentication_required":
        return ReauthenticationRequiredError(response)
    return ApiError(response)


def retry_after_of(response: httpx.Response) -> float | None:
    """Return the Retry-After header in seconds, when it is a number of them."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def api_path(url: httpx.URL) -> str:
    """Return a URL's path below the API's root ("/auth/login"), as the contract names operations."""
    before, root, after = url.path.partition(API_ROOT)
    return after if root else before


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
