"""Writes of the accounts app: log in, log out, change the password, register."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    SESSION_KEY,
    authenticate,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.authentication import session_user_or_none
from accounts.throttling import registration_acquire
from api_project.audit import audit_log
from api_project.errors import InvalidCredentials, TooManyRegistrations
from api_project.network import client_address
from sessions_api import services as session_services
from sessions_api.selectors import REGISTRY_KEY, registry_entry_get

USERNAME_TAKEN = "A user with that username already exists."


def user_login(*, request: HttpRequest, username: str, password: str, transport: str) -> Any:
    """Check the password (behind the throttle, see ``accounts.backends``); sign in under a new key."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise InvalidCredentials()
    with transaction.atomic():  # the registry entry, last_login and (db) the session: one commit
        _start_session(request=request, user=user, transport=transport)
    return user


def _start_session(*, request: HttpRequest, user: Any, transport: str) -> None:
    if transport != request.session_transport:  # type: ignore[attr-defined]
        # A header-transport login sent with a cookie does not carry the cookie's session over.
        if transport == "header":
            request.session = import_module(settings.SESSION_ENGINE).SessionStore(None)
        request.session_transport = transport  # type: ignore[attr-defined]
    session = request.session
    if SESSION_KEY in session:
        # Django keeps the key when the same user logs in again; we never do.
        session_services.registry_entry_delete(entry_id=session.get(REGISTRY_KEY))
        session.cycle_key()
    login(request, user)
    if transport == "header":
        session.save()  # the token is the key as saved (on signed_cookies, the data itself)
        session.modified = False
        # login() rotated the CSRF token; the header transport uses none, so it gets no cookie.
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


def user_logout(*, request: HttpRequest) -> None:
    """End the session: its registry entry and its stored data; a second logout is harmless."""
    entry_id = request.session.get(REGISTRY_KEY)
    user = session_user_or_none(request)  # DRF has set request.user to anonymous on this view
    user_id = user.pk if user is not None else None
    # What logout() tells its receivers: the registry forgets the session only when it was signed in,
    # not for a stale token of a live one.
    request.user = user if user is not None else AnonymousUser()
    logout(request)
    if user_id is not None:
        audit_log("logout", request=request, user_id=user_id, session_id=entry_id)


def user_password_change(*, request: HttpRequest, user: Any, current_password: str, new_password: str) -> int:
    """Change the password; end every other session of the user, keep this one under a new key."""
    # Through the backend, so a stolen session cannot guess the password faster than a login could.
    if authenticate(request, username=user.get_username(), password=current_password) != user:
        raise ValidationError({"current_password": ["The current password is wrong."]})
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise ValidationError({"new_password": list(exc.messages)}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    # Older tokens of it stop here; the password just proved keeps the session privileged (step-up).
    session_services.registry_entry_rotate(session=request.session, authenticated_at=timezone.now())
    entry_id = request.session.get(REGISTRY_KEY)
    revoked = session_services.user_sessions_revoke(user_id=user.pk, keep=entry_id)
    audit_log("password_changed", request=request, user_id=user.pk, session_id=entry_id, revoked=revoked)
    return revoked


def session_reauthenticate(*, request: HttpRequest, user: Any, password: str) -> None:
    """Prove the password again (step-up): a fresh proof under a new key and CSRF token.

    The session's data, registry entry and creation time stay. A wrong password counts against the
    login throttle (through the backend) and does not end the session. The entry's new token version
    makes every earlier token of the session dead, so none can carry an older proof forward.
    """
    entry_id = request.session.get(REGISTRY_KEY)
    if authenticate(request, username=user.get_username(), password=password) != user:
        audit_log("reauthentication_failed", request=request, user_id=user.pk, session_id=entry_id)
        raise InvalidCredentials("Wrong password; the session goes on.")
    request.session.cycle_key()
    if request.session_transport == "cookie":  # type: ignore[attr-defined]
        rotate_token(request)
    session_services.registry_entry_rotate(session=request.session, authenticated_at=timezone.now())
    request.session_entry = registry_entry_get(entry_id=entry_id, user_id=user.pk)  # type: ignore[attr-defined]
    audit_log("reauthenticated", request=request, user_id=user.pk, session_id=entry_id)


def registration_check(*, request: HttpRequest) -> None:
    """Count a registration of the client's address; refuse with 429 past the limit, before any hash."""
    wait = registration_acquire(address=client_address(request))
    if wait:
        audit_log("register_throttled", request=request, retry_after=wait)
        raise TooManyRegistrations(wait=wait)


def user_register(*, request: HttpRequest, username: str, password: str, email: str) -> Any:
    """Create a user (not logged in); a name taken meanwhile is the same 400 as one taken before."""
    user_model = get_user_model()
    candidate = user_model(username=username, email=email)
    try:
        validate_password(password, candidate)
    except DjangoValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            user = user_model._default_manager.create_user(username=username, email=email, password=password)
    except IntegrityError as exc:  # the same name registered at the same instant
        raise ValidationError({"username": [USERNAME_TAKEN]}) from exc
    audit_log("register", request=request, user_id=user.pk)
    return user
