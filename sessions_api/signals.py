"""Keep the session registry in step with Django's login and logout, whatever view logs in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from sessions_api import services


@receiver(user_logged_in, dispatch_uid="sessions_api.registry_on_login")
def register_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        services.registry_entry_create(request=request, user=user)


@receiver(user_logged_out, dispatch_uid="sessions_api.registry_on_logout")
def unregister_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # No user: the session had already ended, or this is a stale token of a live one (a signed_cookies
    # token from before a password change), whose logout must not end the session that replaced it.
    if user is not None and request is not None and hasattr(request, "session"):
        services.registry_entry_delete(entry_id=request.session.get(services.REGISTRY_KEY))
