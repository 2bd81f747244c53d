"""Reads of the session and the registry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.utils import timezone

from sessions_api import snapshots
from sessions_api.models import UserSession

REGISTRY_KEY = "_session_registry_id"
TOKEN_VERSION_KEY = "_session_token_version"  # noqa: S105 - the registry entry's token_version, as of this token
TEST_COOKIE_KEY = SessionBase.TEST_COOKIE_NAME


def is_reserved_key(key: str) -> bool:
    """Tell whether a key belongs to Django or to us (never readable through the data endpoints)."""
    return key.startswith("_") or key == TEST_COOKIE_KEY


def session_data_list(*, session: SessionBase) -> dict[str, Any]:
    return {key: value for key, value in session.items() if not is_reserved_key(key)}


def session_expiry_get(*, session: SessionBase) -> dict[str, Any]:
    """Return the session's expiry as the contract's ``Expiry`` object."""
    expiry = session.get("_session_expiry")
    if expiry is None:
        policy = "default"
    elif expiry == 0:
        policy = "browser_close"
    elif isinstance(expiry, int):
        policy = "seconds"
    else:
        policy = "datetime"
    return {
        "expiry_age": session.get_expiry_age(),
        "expiry_date": session.get_expiry_date(),
        "expire_at_browser_close": session.get_expire_at_browser_close(),
        "policy": policy,
    }


def session_latest_end(*, session: SessionBase, now: datetime) -> datetime:
    """Return the latest expiry this session may ask for: the absolute end when signed in."""
    entry = registry_entry_get(entry_id=session.get(REGISTRY_KEY), user_id=session.get(SESSION_KEY))
    if entry is not None:
        return entry.absolute_expires_at
    return now + timedelta(seconds=settings.SESSION_MAX_AGE)


def registry_entry_get(*, entry_id: Any, user_id: Any) -> UserSession | None:
    """Return the user's registry entry with this id (from the shared cache when it holds it), or None."""
    if not isinstance(entry_id, str) or not entry_id or user_id is None:
        return None
    (data,) = snapshots.get_many([snapshots.entry_request(entry_id, user_id)])
    return snapshots.entry_from(data)


def privileged_until(*, entry: UserSession) -> datetime:
    """Return until when the session may do what needs a recent password proof (step-up).

    With step-up off (``REAUTH_MAX_AGE=0``), for as long as the session may live.
    """
    if not settings.REAUTH_MAX_AGE:
        return entry.absolute_expires_at
    return entry.authenticated_at + timedelta(seconds=settings.REAUTH_MAX_AGE)


def user_sessions_list(*, user_id: Any) -> QuerySet[UserSession]:
    """Return the user's live sessions, newest first (uses the user index, not a scan of all sessions)."""
    return UserSession.objects.filter(user_id=user_id, expires_at__gt=timezone.now()).order_by(
        "-created_at", "id"
    )


# The registry's columns a session list shows. Lists read them as rows, not model instances: building
# a hundred instances (and loading columns no row shows) was a large part of a long list's time.
ROW_COLUMNS = (
    "id",
    "user_id",
    "transport",
    "created_at",
    "authenticated_at",
    "last_activity",
    "expires_at",
    "ip",
    "user_agent",
    "name",
    "new_device",
)


def session_rows(sessions: QuerySet[UserSession]) -> QuerySet[Any]:
    """Return the sessions as the rows a list shows: named tuples of ``ROW_COLUMNS``."""
    return sessions.values_list(*ROW_COLUMNS, named=True)


def all_sessions_list(*, user_id: int | None = None) -> QuerySet[UserSession]:
    sessions = UserSession.objects.filter(expires_at__gt=timezone.now())
    if user_id is not None:
        sessions = sessions.filter(user_id=user_id)
    return sessions.order_by("-created_at", "id")


def session_info(*, request: Any) -> dict[str, Any]:
    """Return the contract's ``session`` object for the request's session."""
    session = request.session
    entry = getattr(request, "session_entry", None) or registry_entry_get(
        entry_id=session.get(REGISTRY_KEY), user_id=session.get(SESSION_KEY)
    )
    return {
        "id": entry.pk if entry is not None else None,
        "engine": settings.SESSION_ENGINE_NAME,
        "transport": getattr(request, "session_transport", "cookie"),
        "created_at": entry.created_at if entry is not None else None,
        "authenticated_at": entry.authenticated_at if entry is not None else None,
        "privileged_until": privileged_until(entry=entry) if entry is not None else None,
        "expiry_age": session.get_expiry_age(),
        "expiry_date": session.get_expiry_date(),
        "expire_at_browser_close": session.get_expire_at_browser_close(),
    }
