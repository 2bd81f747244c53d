"""Keep the session registry in step with Django's login and logout, whatever view logs in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import Signal, receiver

from api_project.audit import audit_log
from sessions_api import services
from sessions_api.devices import device_of
from sessions_api.models import UserSession

new_device_login = Signal()
"""Sent after a login from a device its user has not logged in from for ``NEW_DEVICE_WINDOW`` days.

Connect a receiver to e-mail or notify the user (README: "New-device alerts"). It is sent once the login
has committed, robustly: a receiver that raises is logged and fails no login. Arguments:
``sender`` (the ``UserSession`` model), ``user``, ``request``, ``session_id`` (the public id),
``device`` (``{"browser", "os", "device"}``) and ``first_login`` (True when the user had logged in from
no device before: the first login after registration, which an operator may not want to announce).
"""


expired_sessions_cleared = Signal()
"""Sent after ``clearsessions`` (or the staff's clear-expired) pruned the store and the registry.

What else keeps rows that expire prunes them on it (accounts: its throttle's counts). ``sender``: the
engine's ``SessionStore``.
"""


@receiver(user_logged_in, dispatch_uid="sessions_api.registry_on_login")
def register_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    device = device_of(services.recorded_user_agent(request))  # the same device its row will show
    new, first = services.device_login_record(user=user, device=device)
    entry = services.registry_entry_create(request=request, user=user, new_device=new)
    if new:
        audit_log(
            "login_new_device",
            request=request,
            user_id=user.pk,
            session_id=entry.pk,
            browser=device.browser,
            os=device.os,
            first_login=first,
        )
        transaction.on_commit(
            lambda: new_device_login.send_robust(
                UserSession,
                user=user,
                request=request,
                session_id=entry.pk,
                device=device._asdict(),
                first_login=first,
            )
        )


@receiver(user_logged_out, dispatch_uid="sessions_api.registry_on_logout")
def unregister_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # No user: the session had already ended, or this is a stale token of a live one (a signed_cookies
    # token from before a password change), whose logout must not end the session that replaced it.
    if user is not None and request is not None and hasattr(request, "session"):
        services.registry_entry_delete(entry_id=request.session.get(services.REGISTRY_KEY))
