"""The ``db`` engine: Django's, with saves merged under a row lock (SELECT ... FOR UPDATE)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessions_api.backends.base import MergingSessionMixin


class SessionStore(MergingSessionMixin, db.SessionStore):
    engine_name = "db"
    compare_and_write = True  # cached_db, which keeps a cache beside the row, turns it off
    _loaded_data: str | None = None  # the row's session_data as this request loaded it

    def write_if_unchanged(self) -> bool:
        """One UPDATE guarded by the row's data as loaded: no transaction, no lock, when no one else wrote.

        The stored data is signed with a timestamp, so an unchanged value means the session is exactly as
        this request found it, and writing the loaded session with this request's changes loses nothing.
        """
        if not self.compare_and_write or self._loaded_data is None:
            return False
        connection = connections[router.db_for_write(self.model)]
        quote, meta = connection.ops.quote_name, self.model._meta
        data, key, expires = (
            quote(meta.get_field(name).column) for name in ("session_data", "session_key", "expire_date")
        )
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {data} = %s, {expires} = %s"  # noqa: S608
            f" WHERE {key} = %s AND {data} = %s AND {expires} > %s"
        )
        encoded = self.encode(self._get_session(no_load=False))
        now, expire_date = timezone.now(), self.get_expiry_date()
        params = [encoded, connection.ops.adapt_datetimefield_value(expire_date), self.session_key]
        params += [self._loaded_data, connection.ops.adapt_datetimefield_value(now)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written = cursor.rowcount == 1
        self._loaded_data = encoded if written else None
        return written

    def session_lock(self) -> transaction.Atomic:
        # On SQLite the transaction itself is the lock: settings open it with BEGIN IMMEDIATE.
        return transaction.atomic(using=router.db_for_write(self.model))

    @classmethod
    def clear_expired_from_store(cls) -> int:
        deleted, _ = cls.get_model_class().objects.filter(expire_date__lt=timezone.now()).delete()
        return deleted

    def load_stored(self) -> dict[str, Any] | None:
        row = self._select(router.db_for_write(self.model), for_update=True)
        return self.decode(row[0]) if row is not None else None

    def _get_session_from_db(self) -> Any:
        # Django's lookup as one SQL statement: on a read of the session, building the ORM query cost
        # three times what PostgreSQL spends answering it.
        row = self._select(router.db_for_read(self.model))
        if row is None:
            self._session_key = None
            return None
        self._loaded_data = row[0]
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])  # type: ignore[misc]

    def _select(self, using: str, *, for_update: bool = False) -> tuple[str, datetime] | None:
        """Return (session_data, expire_date) of this session if it has not expired, else None."""
        connection = connections[using]
        quote, meta = connection.ops.quote_name, self.model._meta
        data, key, expires = (
            quote(meta.get_field(name).column) for name in ("session_data", "session_key", "expire_date")
        )
        sql = f"SELECT {data}, {expires} FROM {quote(meta.db_table)} WHERE {key} = %s AND {expires} > %s"  # noqa: S608
        if for_update and connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            return None
        expire_date = row[1] if isinstance(row[1], datetime) else parse_datetime(row[1])
        if expire_date is None:
            return None
        if timezone.is_naive(expire_date):  # SQLite keeps UTC without the offset
            expire_date = timezone.make_aware(expire_date, UTC)
        return row[0], expire_date
