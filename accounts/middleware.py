"""Django's ``request.user`` (the admin uses it) resolved by the same registry check as the API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import middleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.authentication import session_user_or_none


def _user_or_anonymous(request: HttpRequest) -> Any:
    return session_user_or_none(request) or AnonymousUser()


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request.user = SimpleLazyObject(lambda: _user_or_anonymous(request))  # type: ignore[assignment]
