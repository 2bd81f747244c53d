"""The stores' sections of settings.py: the database and the Redis cache, as read from the environment.

Kept apart only for length; settings.py calls these once and assigns what they return, so every setting
still has one name in one module. The variables read here are listed in docs/configuration.md too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import environ

from api_project import redis_topology


def fail(message: str) -> NoReturn:
    """Stop start-up with a one-line message (no traceback) that says what to set."""
    raise SystemExit(f"Configuration error: {message}")


def database(env: environ.Env, *, base_dir: Path) -> dict[str, Any]:
    """Return ``DATABASES["default"]`` from ``DATABASE_URL``, with our options for its backend."""
    database = env.db_url("DATABASE_URL", default=f"sqlite:///{base_dir / 'var' / 'db.sqlite3'}")
    database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.sqlite3":
        _configure_sqlite(database)
    return database


def _configure_sqlite(database: dict[str, Any]) -> None:
    if database["NAME"] != ":memory:":
        try:
            Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            fail(f"cannot create the SQLite directory of {database['NAME']}: set DATABASE_URL.")
    # IMMEDIATE takes the write lock when a transaction starts, so two session merges never
    # both read the old row; WAL lets readers go on meanwhile.
    database.setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )


def configure_postgresql(
    env: environ.Env, database: dict[str, Any], *, statement_timeout_ms: int, transaction_pooling: bool
) -> None:
    """Put our backend and its timeouts, keepalives and prepared statements into ``database``."""
    # Fail fast instead of hanging when PostgreSQL is unreachable (docs/reliability.md). Our backend is
    # Django's plus a client-side bound on waiting for a reply (api_project/db/base.py).
    database["ENGINE"] = "api_project.db"
    database["DISABLE_SERVER_SIDE_CURSORS"] = transaction_pooling
    # Off by default there too: PgBouncer keeps prepared statements only from 1.21 (max_prepared_statements).
    prepared_statements = env.bool("DATABASE_PREPARED_STATEMENTS", default=not transaction_pooling)
    database.setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=2),
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 1,
            "keepalives_count": 2,
            "tcp_user_timeout": 2000,
            # psycopg prepares a statement on its 5th run on a server-side binding cursor, which only
            # api_project.db.hot_cursor() makes (the auth check's reads and the session's guarded
            # UPDATE); None, Django's default, prepares nothing.
            "prepare_threshold": 5 if prepared_statements else None,
        }
    )
    if not transaction_pooling:
        database["OPTIONS"]["options"] = f"-c statement_timeout={statement_timeout_ms}"


def replicas(count: int) -> int:
    """Return ``REDIS_MIN_REPLICAS`` once it is a count (0 or more)."""
    if count < 0:
        fail("REDIS_MIN_REPLICAS is a number of replicas: 0 or more.")
    return count


def redis_location(
    *, url: str, cluster: bool, sentinels: list[str], master: str, key_prefix: str
) -> tuple[str, dict[str, Any]]:
    """Return django-redis's ``LOCATION`` and options for the topology; stop start-up when it is wrong."""
    try:
        location = redis_topology.location_and_options(
            url=url, cluster=cluster, sentinels=sentinels, master=master
        )
        redis_topology.check_key_prefix(key_prefix)
    except redis_topology.TopologyError as exc:
        fail(str(exc))
    return location


def redis_cache(
    *, location: str, key_prefix: str, timeout: float, topology_options: dict[str, Any]
) -> dict[str, Any]:
    """Return ``CACHES["default"]`` for django-redis on ``location`` with our timeouts and no retries."""
    pool_kwargs: dict[str, Any] = {"retry_on_timeout": False, "health_check_interval": 30}
    options = dict(topology_options)
    pool_kwargs.update(options.pop("CONNECTION_POOL_KWARGS", {}))
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": timeout,
            "SOCKET_TIMEOUT": timeout,
            "CONNECTION_POOL_KWARGS": pool_kwargs,
            **options,
        },
    }
