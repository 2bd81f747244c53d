"""Django's ModelBackend, spending one password hash on every attempt, whatever the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.http import HttpRequest


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
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None or not user.has_usable_password():
            # Django hashes for unknown users but not for unusable passwords, which answer at once:
            # hash here too, so no kind of account can be told from another by timing.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
