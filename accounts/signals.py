"""Audit lines for every login and failed password check, whichever view (API or admin) made it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts import throttling
from api_project.audit import audit_log
from sessions_api.selectors import REGISTRY_KEY
from sessions_api.signals import expired_sessions_cleared


@receiver(user_logged_in, dispatch_uid="accounts.audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    session_id = session.get(REGISTRY_KEY) if session is not None else None
    audit_log("login", request=request, user_id=user.pk, session_id=session_id)


@receiver(user_login_failed, dispatch_uid="accounts.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit_log("login_failed", request=request, username=username)


@receiver(expired_sessions_cleared, dispatch_uid="accounts.prune_login_failures")
def prune_login_failures(sender: Any, **kwargs: Any) -> None:
    throttling.failures_prune()
