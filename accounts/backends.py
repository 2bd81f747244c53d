"""Django's ModelBackend behind the login throttle, spending one password hash on every attempt.

Every password check in the service comes here through ``django.contrib.auth.authenticate()``: the
API's login, the admin's login form and the password change. The throttle is checked before the
hasher runs, so a locked-out username or address costs no hash, and no view can forget it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.http import HttpRequest
from rest_framework.exceptions import Throttled

from accounts.throttling import LoginThrottle
from api_project.audit import audit_log
from api_project.network import client_address


class LoginLocked(Throttled):
    """Too many failed password checks for this username or client address (a 429 with Retry-After)."""

    default_detail = "Too many failed logins; try again after Retry-After seconds."


class ModelBackend(backends.ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None or password is None:
            return None
        throttle = LoginThrottle(
            username=username, address=client_address(request) if request is not None else None
        )
        wait = throttle.acquire()
        if wait:
            audit_log("login_locked", request=request, username=username[:150], retry_after=wait)
            raise LoginLocked(wait=wait)
        user = self.user_with_password(username, password)
        if user is not None:
            throttle.release()
        return user

    def user_with_password(self, username: str, password: str) -> Any:
        """Return the active user with this username and password, or None (after one hash either way)."""
        user_model = get_user_model()
        # Stored names are NFKC-folded (Django folds them on save): full-width "alice" is "alice".
        lookup = {user_model.USERNAME_FIELD: user_model.normalize_username(username)}
        user = user_model._default_manager.filter(**lookup).first()
        if user is None or not user.has_usable_password():
            # Django hashes for unknown users but not for unusable passwords, which answer at once:
            # hash here too, so no kind of account can be told from another by timing.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
