"""Writes to the session and the registry; views call these, never the stores directly."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from api_project.audit import audit_log
from api_project.errors import STORE_ERRORS, ReauthenticationRequired, TooLarge
from api_project.network import client_address, recorded_address
from sessions_api import snapshots
from sessions_api.backends.base import engine_of
from sessions_api.devices import Device
from sessions_api.models import USER_AGENT_MAX, KnownDevice, UserSession, new_token_version
from sessions_api.selectors import (
    REGISTRY_KEY,
    TOKEN_VERSION_KEY,
    is_reserved_key,
    privileged_until,
    session_data_list,
    user_sessions_list,
)

__all__ = ["REGISTRY_KEY"]


def json_size(value: Any) -> int:
    """Return the size in bytes of a value as compact UTF-8 JSON (what the limits count)."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def session_data_set(*, session: SessionBase, key: str, value: Any) -> bool:
    """Set one data key; return whether it is new. Refuse with 413 past a limit, changing nothing."""
    if json_size(value) > settings.SESSION_DATA_MAX_VALUE_BYTES:
        raise TooLarge(f"The value is over the {settings.SESSION_DATA_MAX_VALUE_BYTES}-byte limit.")
    data = session_data_list(session=session)
    created = key not in data
    data[key] = value
    engine = engine_of(session)  # a stock engine given by dotted path: the general limits
    max_keys, max_bytes = engine.data_max_keys, min(engine.data_max_bytes, settings.SESSION_DATA_MAX_BYTES)
    if len(data) > max_keys:
        raise TooLarge(f"The session would hold more than {max_keys} keys.")
    if json_size(data) > max_bytes:
        raise TooLarge(f"The session's data would be over the {max_bytes}-byte limit.")
    session[key] = value
    return created


def session_data_delete(*, session: SessionBase, key: str) -> bool:
    """Delete one data key; return whether it was there."""
    if is_reserved_key(key) or key not in session:
        return False
    del session[key]
    return True


def session_data_clear(*, session: SessionBase) -> None:
    """Delete every data key; the login and Django's own keys stay."""
    for key in list(session_data_list(session=session)):
        del session[key]


def session_expiry_set(*, session: SessionBase, value: int | datetime | None) -> None:
    """Set the expiry (Django's ``set_expiry``) and keep the registry's copy in step.

    Tokens handed out before carry the old expiry (``signed_cookies``): they stop working here.
    """
    session.set_expiry(value)
    registry_entry_rotate(session=session, expires_at=session.get_expiry_date())


# --- The registry ---------------------------------------------------------------------------


def recorded_user_agent(request: HttpRequest) -> str:
    """Return the request's User-Agent as the registry keeps it (what its rows' devices are read from)."""
    return request.headers.get("User-Agent", "")[:USER_AGENT_MAX]


def device_login_record(*, user: Any, device: Device) -> tuple[bool, bool]:
    """Record a login of the user from this device; return whether it is new, and whether it is the first.

    New: the user has not logged in with this browser and OS for ``NEW_DEVICE_WINDOW`` days. (Two
    logins from one new device at the same instant may both say so.)
    """
    now = timezone.now()
    known = {
        (b, o): at
        for b, o, at in KnownDevice.objects.filter(user=user).values_list("browser", "os", "last_login_at")
    }
    last = known.get((device.browser, device.os))
    KnownDevice.objects.bulk_create(
        [KnownDevice(user=user, browser=device.browser, os=device.os, last_login_at=now)],
        update_conflicts=True,
        unique_fields=["user", "browser", "os"],
        update_fields=["last_login_at"],
    )
    return last is None or last < now - timedelta(days=settings.NEW_DEVICE_WINDOW), not known


def registry_entry_create(*, request: HttpRequest, user: Any, new_device: bool = False) -> UserSession:
    """Register the session that ``login()`` just made, and put its public id into it."""
    now = timezone.now()
    entry = UserSession.objects.create(
        user=user,
        transport=getattr(request, "session_transport", "cookie"),
        created_at=now,
        authenticated_at=now,
        last_activity=now,
        expires_at=request.session.get_expiry_date(),
        absolute_expires_at=now + timedelta(seconds=settings.SESSION_ABSOLUTE_AGE),
        ip=recorded_address(client_address(request)),
        user_agent=recorded_user_agent(request),
        token_version=new_token_version(),
        new_device=new_device,
    )
    request.session[REGISTRY_KEY] = entry.pk
    request.session[TOKEN_VERSION_KEY] = entry.token_version
    request.session_entry = entry  # type: ignore[attr-defined]
    return entry


def registry_entry_rotate(*, session: SessionBase, **fields: Any) -> None:
    """Give the session's registry entry (and the session) a new token version, with other changes.

    Every token of the session made before then is refused by the auth check from now on where the
    client holds the session (``signed_cookies``: its old tokens stay validly signed).
    """
    entry_id = session.get(REGISTRY_KEY)
    if not entry_id:
        return
    version = new_token_version()
    UserSession.objects.filter(pk=entry_id).update(token_version=version, **fields)
    session[TOKEN_VERSION_KEY] = version


def step_up_check(*, request: HttpRequest) -> None:
    """Refuse, before it changes anything, what needs a recent password proof (403, audited)."""
    entry = request.session_entry  # type: ignore[attr-defined] # set by the auth check
    if privileged_until(entry=entry) > timezone.now():
        return
    audit_log("reauthentication_required", request=request, user_id=entry.user_id, session_id=entry.pk)
    raise ReauthenticationRequired()


def registry_entry_touch(*, entry: UserSession, session: SessionBase) -> None:
    """Record activity at most once per interval: renew the idle timeout without a write per request."""
    now = timezone.now()
    if (now - entry.last_activity).total_seconds() < settings.SESSION_ACTIVITY_INTERVAL:
        return
    if snapshots.paused():  # Redis is away: record the activity once it answers, not a timeout per read
        return
    session.modified = True  # the middleware's save renews the store's expiry
    # If Redis went away just now, a read must not fail for it: the activity is recorded by the next
    # request after Redis answers (the update writes nothing while it cannot drop the entry's copy).
    with contextlib.suppress(*STORE_ERRORS):
        UserSession.objects.filter(pk=entry.pk).update(
            last_activity=now, expires_at=session.get_expiry_date()
        )


def registry_entry_delete(*, entry_id: Any) -> int:
    if not isinstance(entry_id, str) or not entry_id:
        return 0
    deleted, _ = UserSession.objects.filter(pk=entry_id).delete()
    return deleted


def session_rename(*, user_id: Any, entry_id: str, name: str | None) -> UserSession | None:
    """Name one of the user's sessions (None: no name); return its entry, None when it has none so."""
    if not user_sessions_list(user_id=user_id).filter(pk=entry_id).update(name=name or ""):
        return None
    # Read back without assuming: a revocation may land between the write and this read (then 404).
    return UserSession.objects.filter(pk=entry_id).first()


def session_revoke(*, request: HttpRequest, user_id: Any, entry_id: str) -> None:
    """End one session: its replayed cookie or token gets 401 from now on."""
    registry_entry_delete(entry_id=entry_id)
    audit_log("session_revoked", request=request, user_id=user_id, session_id=entry_id)


def sessions_revoke_many(*, request: HttpRequest, entry_ids: list[str]) -> int:
    """End the live sessions with these ids, in one transaction; return how many ended.

    One DELETE and one pass dropping the copies (a Redis call per user, not two per session through
    the model's signals): up to 500 ids at a time.
    """
    with transaction.atomic():
        doomed = UserSession.objects.filter(pk__in=set(entry_ids), expires_at__gt=timezone.now())
        revoked = doomed.select_for_update().delete_in_one_statement()
    audit_log(
        "staff_sessions_revoked", request=request, user_id=getattr(request.user, "pk", None), revoked=revoked
    )
    return revoked


def user_sessions_revoke(*, user_id: Any, keep: str | None = None, request: HttpRequest | None = None) -> int:
    """End every session of a user but ``keep``; return how many ended."""
    sessions = UserSession.objects.filter(user_id=user_id)
    if keep:
        sessions = sessions.exclude(pk=keep)
    deleted, _ = sessions.delete()
    if request is not None:
        audit_log("sessions_revoked", request=request, user_id=user_id, session_id=keep, revoked=deleted)
    return deleted


def expired_sessions_clear() -> int:
    """Delete expired sessions from the store and the registry (what ``clearsessions`` does)."""
    return import_module(settings.SESSION_ENGINE).SessionStore.clear_expired_count()


def user_exists(*, user_id: int) -> bool:
    return get_user_model().objects.filter(pk=user_id).exists()
