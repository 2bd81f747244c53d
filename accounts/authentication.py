"""Who the request's session belongs to, checked against the registry on every request.

A session is signed in when it holds Django's user id *and* its registry entry still exists: deleting
the entry (revocation, password change, staff action) ends the session on its very next request, on
every engine, the client-held ``signed_cookies`` included. The user's password hash is checked as in
Django, so a password changed elsewhere also ends it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.selectors import session_user_get, user_session_auth_hash
from api_project.audit import audit_log
from api_project.errors import SessionExpired
from sessions_api import services
from sessions_api.backends.base import engine_of
from sessions_api.selectors import REGISTRY_KEY, TOKEN_VERSION_KEY


class SessionEnded(exceptions.AuthenticationFailed):
    default_detail = "The session has ended; log in again."
    default_code = "not_authenticated"


def session_user(request: HttpRequest) -> Any:
    """Return the signed-in user of the request, None when anonymous; raise when the session ended."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return None
    entry, user = session_user_get(session=session, entry_id=session.get(REGISTRY_KEY), user_id=user_id)
    if entry is None or str(entry.user_id) != str(user_id):
        _end(request, entry_id=None, reason="revoked")
        raise SessionEnded()
    if engine_of(session).client_holds_data and session.get(TOKEN_VERSION_KEY, "") != entry.token_version:
        # A token from before a password or expiry change: refused, and the session that replaced it
        # goes on (ending it here would let whoever holds an old token log the owner out).
        raise SessionEnded()
    if entry.absolute_expires_at <= timezone.now():
        _end(request, entry_id=entry.pk, reason="absolute_lifetime")
        raise SessionExpired()
    if user is None or not user.is_active:
        _end(request, entry_id=entry.pk, reason="inactive")
        raise SessionEnded()
    if not _hash_verified(session, user):
        _end(request, entry_id=entry.pk, reason="password_changed")
        raise SessionEnded()
    request.session_entry = entry  # type: ignore[attr-defined]
    services.registry_entry_touch(entry=entry, session=session)
    return user


def _hash_verified(session: Any, user: Any) -> bool:
    """Tell whether the session's password HMAC is the user's, as Django's ``get_user`` does.

    One made with a key of ``SECRET_KEY_FALLBACKS`` still verifies, and is replaced by the current one.
    """
    session_hash, current = session.get(HASH_SESSION_KEY, ""), user_session_auth_hash(user=user)
    if constant_time_compare(session_hash, current):
        return True
    if session_hash and any(
        constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
    ):
        session[HASH_SESSION_KEY] = current
        return True
    return False


def session_user_or_none(request: HttpRequest) -> Any:
    """Return the signed-in user, or None when anonymous or when the session has ended."""
    try:
        return session_user(request)
    except exceptions.AuthenticationFailed:
        return None


def _end(request: HttpRequest, *, entry_id: str | None, reason: str) -> None:
    """Forget an ended session: its registry entry and its stored data."""
    audit_log("session_ended", request=request, session_id=entry_id, reason=reason)
    services.registry_entry_delete(entry_id=entry_id)
    request.session.flush()


class SessionAuthentication(authentication.BaseAuthentication):
    """DRF authentication by the session of either transport (cookie or ``X-Session-Token``)."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        user = session_user(request._request)
        return (user, None) if user is not None else None

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="api"'
