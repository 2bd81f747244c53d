"""The ``db`` engine: Django's, with saves merged under a row lock (SELECT ... FOR UPDATE).

Its rows (``sessions_api.models.Session``) hold the session's registry entry id beside the data, so
that reading a session also reads its registry entry and its user, in the same query (two LEFT JOINs):
a signed-in request costs one round trip to the database, and no copy of those rows can be stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from api_project.db import hot_cursor
from sessions_api.backends.base import AuthRows, MergingSessionMixin
from sessions_api.models import Session, UserSession
from sessions_api.rows import instance_from_row
from sessions_api.selectors import REGISTRY_KEY

Joined = tuple[str, UserSession | None, Any]  # rows read with a session: its entry id, entry, user


@dataclass(frozen=True)
class _Query:
    """A read of a session row on one database, with its entry's and user's columns when joined."""

    sql: str
    entry_columns: int = 0  # the entry's columns follow the session's three; the user's follow them
    entry_pk: int = 0  # the index of the entry's, and of the user's, primary key among its columns
    user_pk: int = 0


@cache
def _read_query(alias: str, *, joined: bool = False, for_update: bool = False) -> _Query:
    connection = connections[alias]
    quote = connection.ops.quote_name
    session, entry, user = Session._meta, UserSession._meta, get_user_model()._meta
    columns = [f"s.{quote(name)}" for name in ("session_data", "expire_date", "entry_id")]
    tables = f"{quote(session.db_table)} s"
    if joined:
        columns += [f"e.{quote(f.column)}" for f in entry.concrete_fields]  # type: ignore[arg-type]
        columns += [f"u.{quote(f.column)}" for f in user.concrete_fields]  # type: ignore[arg-type]
        tables += (
            f" LEFT JOIN {quote(entry.db_table)} e ON e.{quote(entry.pk.column)} = s.{quote('entry_id')}"  # type: ignore[union-attr,arg-type]
            f" LEFT JOIN {quote(user.db_table)} u"
            f" ON u.{quote(user.pk.column)} = e.{quote(entry.get_field('user').column)}"  # type: ignore[union-attr,arg-type]
        )
    sql = f"SELECT {', '.join(columns)} FROM {tables}"  # noqa: S608
    sql += f" WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    if not joined:
        return _Query(sql)
    entry_pk, user_pk = entry.concrete_fields.index(entry.pk), user.concrete_fields.index(user.pk)  # type: ignore[arg-type]
    return _Query(sql, len(entry.concrete_fields), entry_pk, user_pk)


@cache
def _guarded_update_sql(alias: str) -> str:
    """The UPDATE of ``write_if_unchanged``: data, expiry and entry id, if the row is as it was loaded."""
    quote = connections[alias].ops.quote_name
    data, key, expires, entry = (
        quote(name) for name in ("session_data", "session_key", "expire_date", "entry_id")
    )
    return (
        f"UPDATE {quote(Session._meta.db_table)} SET {data} = %s, {expires} = %s, {entry} = %s"  # noqa: S608
        f" WHERE {key} = %s AND {data} = %s AND {expires} > %s"
    )


class SessionStore(MergingSessionMixin, db.SessionStore):
    compare_and_write = True  # cached_db, which keeps a cache beside the row, turns it off
    _loaded_data: str | None = None  # the row's session_data as this request loaded it
    uses_auth_copies = False  # it reads the entry and the user joined to the session's row, fresher
    joined_rows: Joined | None = None  # read with the session, for auth_rows()

    def auth_rows(self, entry_id: str, user_id: Any) -> AuthRows | None:
        joined = self.joined_rows
        return (joined[1], joined[2]) if joined is not None and joined[0] == entry_id else None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        row: Session = super().create_model_instance(data)  # type: ignore[assignment]
        row.entry_id = _entry_id(data)
        return row

    def write_if_unchanged(self) -> bool:
        """One UPDATE guarded by the row's data as loaded: no transaction, no lock, when no one else wrote.

        The stored data is signed with a timestamp, so an unchanged value means the session is exactly as
        this request found it, and writing the loaded session with this request's changes loses nothing.
        """
        if not self.compare_and_write or self._loaded_data is None:
            return False
        using = router.db_for_write(self.model)
        connection = connections[using]
        session = self._get_session(no_load=False)
        encoded = self.encode(session)
        now, expire_date = timezone.now(), self.get_expiry_date()
        params = [encoded, connection.ops.adapt_datetimefield_value(expire_date), _entry_id(session)]
        params += [self.session_key, self._loaded_data, connection.ops.adapt_datetimefield_value(now)]
        with hot_cursor(connection) as cursor:
            cursor.execute(_guarded_update_sql(using), params)
            written = cursor.rowcount == 1
        self._loaded_data = encoded if written else None
        return written

    def session_lock(self) -> transaction.Atomic:
        # On SQLite the transaction itself is the lock: settings open it with BEGIN IMMEDIATE.
        return transaction.atomic(using=router.db_for_write(self.model))

    @classmethod
    def clear_expired_from_store(cls) -> int:
        now = timezone.now()
        deleted, _ = cls.get_model_class().objects.filter(expire_date__lt=now).delete()
        # Django's own table: the rows migration 0003 copied from it, left for the previous release.
        DjangoSession.objects.filter(expire_date__lt=now).delete()
        return deleted

    def load_stored(self) -> dict[str, Any] | None:
        using = router.db_for_write(self.model)
        row = self._read(using, _read_query(using, for_update=True))
        return self.decode(row[0]) if row is not None else None

    def _get_session_from_db(self) -> Any:
        # Django's lookup as one SQL statement (building the ORM query cost three times what PostgreSQL
        # spends answering it), joined to the rows the auth check needs when they are on the same database.
        using = router.db_for_read(self.model)
        joined = router.db_for_read(UserSession) == using == router.db_for_read(get_user_model())
        query = _read_query(using, joined=joined)
        row = self._read(using, query)
        if row is None:
            self._session_key = None
            return None
        self._loaded_data = row[0]
        if joined and row[2]:
            self.joined_rows = _joined_rows(using, query, row)
        return self.model(session_key=self.session_key, session_data=row[0], expire_date=row[1])  # type: ignore[misc]

    def _read(self, using: str, query: _Query) -> tuple[Any, ...] | None:
        """Return the query's row for this session, its expiry made a datetime, or None if it expired."""
        connection = connections[using]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with hot_cursor(connection) as cursor:
            cursor.execute(query.sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            return None
        expire_date = row[1] if isinstance(row[1], datetime) else parse_datetime(row[1])
        if expire_date is None:
            return None
        if timezone.is_naive(expire_date):  # SQLite keeps UTC without the offset
            expire_date = timezone.make_aware(expire_date, UTC)
        return (row[0], expire_date, *row[2:])


def _joined_rows(using: str, query: _Query, row: tuple[Any, ...]) -> Joined:
    entry_values = row[3 : 3 + query.entry_columns]
    user_values = row[3 + query.entry_columns :]
    if entry_values[query.entry_pk] is None:
        return row[2], None, None
    entry = instance_from_row(UserSession, using, entry_values)
    user = None
    if user_values[query.user_pk] is not None:
        user = instance_from_row(get_user_model(), using, user_values)
    return row[2], entry, user


def _entry_id(data: dict[str, Any]) -> str:
    entry_id = data.get(REGISTRY_KEY)
    return entry_id if isinstance(entry_id, str) else ""
