"""Middleware of our own that is not about sessions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.messages.middleware import MessageMiddleware
from django.http import HttpRequest, HttpResponse


def allowed_hosts_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Refuse a Host outside ALLOWED_HOSTS on every request (CommonMiddleware's check, without the rest)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.get_host()  # raises DisallowedHost: a 400 in the error shape
        return get_response(request)

    return middleware


class AdminMessageMiddleware(MessageMiddleware):
    """Django's messages outside the API: no API view sends one, and building the message storage on every
    request is a measurable part of who am I's CPU (docs/performance.md). The admin and every other page
    keep them.
    """

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return self.get_response(request)  # type: ignore[return-value]
        return super().__call__(request)  # type: ignore[return-value]
