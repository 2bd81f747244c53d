"""Middleware of our own that is not about sessions."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def allowed_hosts_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Refuse a Host outside ALLOWED_HOSTS on every request (CommonMiddleware's check, without the rest)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.get_host()  # raises DisallowedHost: a 400 in the error shape
        return get_response(request)

    return middleware
