"""The session registry: one row per signed-in session, on every engine."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone

USER_AGENT_MAX = 512  # what the registry keeps of a User-Agent


def new_token_version() -> str:
    """Return a random version for a registry entry's tokens (see ``UserSession.token_version``)."""
    return secrets.token_urlsafe(6)


def new_public_id() -> str:
    """Return a random public session id (independent of the session key, so it reveals nothing)."""
    return secrets.token_urlsafe(16)


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    """Registry entries; every write of them in bulk drops their Redis copies, so no caller has to.

    ``save()`` and ``delete()`` drop the copies through the model's signals (``sessions_api.snapshots``);
    ``update()``, which sends none, drops them here, before the write and again after the commit, and
    writes only the rows whose copies it dropped. A store error while dropping writes nothing.
    """

    def expired(self) -> UserSessionQuerySet:
        """Return the entries past either lifetime (idle or absolute)."""
        now = timezone.now()
        return self.filter(models.Q(expires_at__lte=now) | models.Q(absolute_expires_at__lte=now))

    def update(self, **kwargs: Any) -> int:
        """Update the entries after dropping their copies; return how many rows changed."""
        ids = self._drop_copies()
        if ids is None:
            return super().update(**kwargs)
        # The rows whose copies were dropped, still under the caller's own filters (which may have
        # stopped matching some of them since).
        return super(UserSessionQuerySet, self.filter(pk__in=ids)).update(**kwargs) if ids else 0

    def delete_in_one_statement(self) -> int:
        """Delete the entries with one DELETE and no per-row signals, after dropping their copies.

        An entry has nothing that cascades from it but its copies: one Redis call per user, where
        ``delete()`` would drop each copy twice through the signals.
        """
        ids = self._drop_copies()
        if ids is None:
            ids = list(self.values_list("pk", flat=True))
        rows: models.QuerySet[UserSession] = models.QuerySet(self.model, using=self.db).filter(pk__in=ids)
        return rows._raw_delete(self.db) if ids else 0

    def _drop_copies(self) -> list[str] | None:
        """Drop the copies of the entries selected (now and after the commit); return their ids.

        None when no copies are kept (no Redis, or an engine that reads the rows itself).
        """
        from sessions_api import snapshots

        if not snapshots.enabled():
            return None
        entries = list(self.values_list("id", "user_id"))
        snapshots.invalidate_entries(entries)
        return [entry_id for entry_id, _ in entries]


class UserSession(models.Model):
    """A signed-in session; deleting the row ends the session on its next request, on any engine."""

    class Transport(models.TextChoices):
        COOKIE = "cookie"
        HEADER = "header"

    id = models.CharField(primary_key=True, max_length=32, default=new_public_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions")
    transport = models.CharField(max_length=8, choices=Transport.choices)
    created_at = models.DateTimeField()
    last_activity = models.DateTimeField()
    expires_at = models.DateTimeField(help_text="When the session ends unless activity renews it.")
    absolute_expires_at = models.DateTimeField(help_text="When the session ends whatever the activity.")
    authenticated_at = models.DateTimeField(
        help_text="When its user last proved the password for it: at login, and at each reauthentication."
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX, blank=True)
    name = models.CharField(
        max_length=64, blank=True, db_default="", help_text="Given by its user; blank until."
    )
    new_device = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Its login came from a browser and OS its user had not logged in from lately.",
    )
    token_version = models.CharField(
        max_length=16,
        blank=True,
        db_default="",
        help_text="Changed, with the copy the session holds, when the session's older tokens must stop "
        "working (a password or expiry change): a client-held token of another version is refused.",
    )

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="usersession_user_created"),
            models.Index(fields=["expires_at"], name="usersession_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.user_id}, {self.transport})"


class KnownDevice(models.Model):
    """A browser family and OS family a user has logged in from, and when last: what tells a new device.

    Kept apart from the registry, whose entries go when their sessions end.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices")
    browser = models.CharField(max_length=64)
    os = models.CharField(max_length=64)
    last_login_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "browser", "os"], name="knowndevice_user_browser_os")
        ]

    def __str__(self) -> str:
        return f"{self.browser} on {self.os} ({self.user_id})"


class Session(AbstractBaseSession):
    """A session of the ``db`` and ``cached_db`` engines: Django's row, and beside it its registry entry's id.

    The id is also inside ``session_data``, where SQL cannot see it; here the auth check reads the session,
    its registry entry and its user in one query. No foreign key: a revocation deletes the entry and
    leaves this id dangling, which the check reads as an ended session.
    """

    entry_id = models.CharField(max_length=32, blank=True, db_default="")  # "": not signed in

    @classmethod
    def get_session_store_class(cls) -> type:
        from sessions_api.backends.db import SessionStore

        return SessionStore


class LoginFailure(models.Model):
    """One failed (or in-flight) login attempt, counted per username and per client address.

    Used when no Redis is configured, so that every worker and instance counts the same failures.
    """

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key} at {self.at:%Y-%m-%d %H:%M:%S}"


class CacheEpoch(models.Model):
    """The one row that says whether Redis may be trusted as a cache of the database.

    (``sessions_api.backends.cached_db.trust`` keeps it.)

    ``epoch`` is part of every cache key: moving it on abandons everything cached before. ``dirty`` names
    the open episode in which some write reached the database but could not update the cache ("" when
    there is none).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    epoch = models.BigIntegerField(default=0)
    dirty = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return f"epoch {self.epoch}" + (f", dirty ({self.dirty})" if self.dirty else "")
