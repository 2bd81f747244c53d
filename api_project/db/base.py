"""Django's PostgreSQL backend, with a bound on how long the client waits for any reply.

``statement_timeout`` ends a slow statement on the server, and TCP timeouts end a connection whose
packets are lost; neither helps when the server's host still answers TCP but PostgreSQL does not (a
frozen process, a proxy or balancer that stopped forwarding): the client would wait for a reply
forever, and so would the request. Here each wait ends after ``DATABASE_REPLY_TIMEOUT`` seconds (the
statement timeout and one more by default, so a statement the server would end anyway is never cut
short): the connection, in an unknown state, is closed, and the request answers 503.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base


class Connection(psycopg.Connection):
    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        try:
            return super().wait(
                gen,
                interval=interval,
                timeout=settings.DATABASE_REPLY_TIMEOUT if timeout is None else timeout,
            )
        except psycopg.errors._WaitTimeout as exc:  # psycopg's own, raised by the wait above
            self.pgconn.finish()
            raise psycopg.OperationalError("PostgreSQL did not answer in time; connection closed") from exc


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        # Django connects with psycopg.connect(); the connection becomes one of ours, which differs only
        # in wait() (psycopg's Connection has no slots, so the switch is safe).
        connection.__class__ = Connection
        return connection
