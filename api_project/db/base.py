"""Django's PostgreSQL backend, with a bound on how long the client waits for any reply.

``statement_timeout`` ends a slow statement on the server, and TCP timeouts end a connection whose
packets are lost; neither helps when the server's host still answers TCP but PostgreSQL does not (a
frozen process, a proxy or balancer that stopped forwarding): the client would wait for a reply
forever, and so would the request. Here each wait ends after ``DATABASE_REPLY_TIMEOUT`` seconds (the
statement timeout and one more by default, so a statement the server would end anyway is never cut
short): the connection, in an unknown state, is closed, and the request answers 503.

Django's health check (``CONN_HEALTH_CHECKS``) sends ``SELECT 1`` before the first query of every
request, a round trip as long as the query itself on a short request. Here it is skipped when the
connection answered within the last ``HEALTH_CHECK_AFTER_IDLE`` seconds and the server has sent
nothing since (a server that shuts down or ends the connection says so, or closes the socket, and
either makes it readable): such a connection is as likely to work as one that answers ``SELECT 1``
now. A connection idle for longer, or with anything to read, is checked as Django does.

``prepared_cursor()`` is for the few statements every request runs (the session's read): they are
sent with server-side binding, so psycopg prepares them once per connection and PostgreSQL stops
planning them on every request, which for the session's read joined to its registry entry and user is
more than half of what PostgreSQL spends on it. Django's own cursors keep client-side binding, which
never prepares. ``DATABASE_PREPARED_STATEMENTS=0`` turns preparing off, for a pooler that cannot
keep prepared statements (PgBouncer in transaction mode before 1.21, or without
``max_prepared_statements``).

Behind a pooler in transaction mode (``DATABASE_TRANSACTION_POOLING``) the statement timeout cannot
travel as a startup parameter (PgBouncer refuses ``options``), and a ``SET`` would stay behind on
whichever server connection ran it; the role (or database) carries it instead, so every server
connection the pooler opens starts with it. Each new connection checks, in one round trip, that the
server's timeout is on and at most ``DATABASE_STATEMENT_TIMEOUT_MS``; a connection without it is
closed and the request answers 503, so no statement ever runs unbounded.

Django reads every ``timestamptz`` value through a loader of its own that subclasses psycopg's pure
Python one (psycopg's C loader cannot be subclassed), so each datetime in a result is parsed by
Python code: 4 of the 9 columns of a registry row, most of the time of a 100-session list. On UTC
connections (``USE_TZ`` with no database ``TIME_ZONE``, what the settings give) ours parses the
text with ``datetime.fromisoformat`` (C) and hands anything else (BC dates, years past 9999, an
offset other than UTC) to Django's.
"""

from __future__ import annotations

import contextlib
import logging
import select
import time
from datetime import UTC, datetime
from functools import cache
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django.db.backends.utils import CursorWrapper

HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds since the connection's last answer
# In milliseconds whatever unit it is shown in ('5s', '500ms'); 0 is off. As cheap as SELECT 1, where
# pg_settings builds every setting's row (docs/performance.md, persistent connections).
STATEMENT_TIMEOUT_SQL = (
    "SELECT (extract(epoch FROM current_setting('statement_timeout')::interval) * 1000)::integer"
)
logger = logging.getLogger(__name__)


class Connection(psycopg.Connection):
    answered_at = 0.0  # time.monotonic() of the last reply

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        try:
            result = super().wait(
                gen,
                interval=interval,
                timeout=settings.DATABASE_REPLY_TIMEOUT if timeout is None else timeout,
            )
        except psycopg.errors._WaitTimeout as exc:  # psycopg's own, raised by the wait above
            self.pgconn.finish()
            raise psycopg.OperationalError("PostgreSQL did not answer in time; connection closed") from exc
        self.answered_at = time.monotonic()
        return result


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool  # Django's: whether this request's connection has been checked

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if self.timezone is UTC:  # USE_TZ, no database TIME_ZONE: Django sets the connection to UTC
            params["context"] = _with_utc_timestamptz_loader(params["context"])
        return params

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        # Django connects with psycopg.connect(); the connection becomes one of ours, which differs only
        # in wait() (psycopg's Connection has no slots, so the switch is safe).
        connection.__class__ = Connection
        return connection

    def init_connection_state(self) -> None:
        super().init_connection_state()
        if settings.DATABASE_TRANSACTION_POOLING:
            self.check_statement_timeout()

    def check_statement_timeout(self) -> None:
        """Close the new connection and raise unless the server bounds its statements (see above)."""
        with self.connection.cursor() as cursor:
            cursor.execute(STATEMENT_TIMEOUT_SQL)
            (timeout_ms,) = cursor.fetchone()
        if 0 < timeout_ms <= settings.DATABASE_STATEMENT_TIMEOUT_MS:
            return
        # Django keeps a connection it has set; this one must never serve a statement.
        connection, self.connection = self.connection, None
        connection.close()
        limit = settings.DATABASE_STATEMENT_TIMEOUT_MS
        message = (
            f"statement_timeout is {timeout_ms} ms on this connection, not 1 to {limit}: with"
            f" DATABASE_TRANSACTION_POOLING, run ALTER ROLE <user> SET statement_timeout = {limit}"
            " (docs/deployment.md, PgBouncer)"
        )
        logger.error(message)
        raise psycopg.OperationalError(message)

    def prepared_cursor(self) -> CursorWrapper:
        """Return a cursor whose statements are prepared once per connection (see above).

        What Django's ``cursor()`` does (health check, connection, error wrapping, query logging), around
        a server-side binding cursor instead of Django's client-side one.
        """
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = base.ServerBindingCursor(self.connection)  # type: ignore[call-arg]
            return self._prepare_cursor(cursor)  # type: ignore[attr-defined,no-any-return]

    def close_if_health_check_failed(self) -> None:
        if self.connection is not None and not self.health_check_done and _answered_lately(self.connection):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()


class UtcTimestamptzLoader(BaseTzLoader):
    """Django's loader for a UTC connection, parsing what it can in C."""

    timezone = UTC  # what Django's create_cursor() compares with its own before keeping a loader

    def load(self, data: Any) -> datetime:
        text = str(data, "ascii")
        if text.endswith("+00"):  # fromisoformat gives its offset as datetime.timezone.utc, as Django would
            with contextlib.suppress(ValueError):  # past what it parses: years after 9999
                return datetime.fromisoformat(text)
        return super().load(data)  # type: ignore[no-any-return]


@cache
def _with_utc_timestamptz_loader(django_adapters: Any) -> Any:
    """Return Django's adapters with our loader for timestamptz."""
    adapters = psycopg.adapt.AdaptersMap(django_adapters)
    adapters.register_loader("timestamptz", UtcTimestamptzLoader)
    return adapters


def _answered_lately(connection: Any) -> bool:
    """Tell whether the connection answered lately and nothing has arrived since (no goodbye)."""
    if time.monotonic() - getattr(connection, "answered_at", 0.0) >= HEALTH_CHECK_AFTER_IDLE:
        return False
    try:
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return False
    return not readable
