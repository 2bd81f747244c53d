"""Seed signed-in sessions in bulk, past the API: users and registry rows by COPY, stores by COPY or pipeline.

Run in the service's environment (``DATABASE_URL``, ``REDIS_URL``, ...), by ``scale.py``:
    python benchmarks/seed.py USERS SESSIONS_PER_USER [--owner NAME --owner-sessions N]
Each session is a real signed-in one (Django's auth keys, the registry id), in the registry and, for the
engines given with --stores, in the ``db`` table and the ``cache`` engine's Redis.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api_project.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.sessions.backends import cache as cache_engine  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from sessions_api.backends.db import SessionStore as DBStore  # noqa: E402
from sessions_api.models import UserSession  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import USER_AGENTS  # noqa: E402

from sessions_api.selectors import REGISTRY_KEY  # noqa: E402

BATCH = 20_000


def seed_users(count: int) -> list[tuple[int, str]]:
    """Create ``count`` users sharing one password hash by COPY; return their (id, session auth hash)."""
    user_model = get_user_model()
    password = make_password("seeded-users-cannot-log-in-" + secrets.token_hex(8))
    now = timezone.now()
    table = user_model._meta.db_table
    columns = (
        "password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined"
    )
    tag = secrets.token_hex(3)
    connection.ensure_connection()
    with connection.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for i in range(count):
            copy.write_row((password, False, f"seed-{tag}-{i:06d}", "", "", "", False, True, now))
    auth_hash = user_model(password=password).get_session_auth_hash()
    users = user_model.objects.filter(username__startswith=f"seed-{tag}-").values_list("pk", flat=True)
    return [(pk, auth_hash) for pk in users]


def session_rows(owners: list[tuple[int, str]], per_user: int) -> Any:
    """Yield (session key, session data, registry row) for ``per_user`` sessions of each owner."""
    now = timezone.now()
    expires = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    absolute = now + timedelta(seconds=settings.SESSION_ABSOLUTE_AGE)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for user_id, auth_hash in owners:
        for n in range(per_user):
            entry_id = secrets.token_urlsafe(16)
            data = {SESSION_KEY: str(user_id), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: auth_hash}
            data[REGISTRY_KEY] = entry_id
            created = now - timedelta(seconds=n)
            agent = USER_AGENTS[n % len(USER_AGENTS)]
            times = (created, created, created, expires, absolute)  # created, proved, active, two ends
            row = (entry_id, user_id, "cookie", *times, "127.0.0.1", agent)
            yield secrets.token_hex(16), data, row


def seed_sessions(owners: list[tuple[int, str]], per_user: int, stores: set[str]) -> int:
    """Write the sessions to the registry and the given stores in batches; return how many."""
    store = DBStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    registry = UserSession._meta.db_table
    registry_columns = (
        "id, user_id, transport, created_at, authenticated_at, last_activity, expires_at, "
        "absolute_expires_at, ip, user_agent"
    )
    count = 0
    batch: list[tuple[str, dict[str, Any], tuple[Any, ...]]] = []

    def flush() -> None:
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor().copy(f"COPY {registry} ({registry_columns}) FROM STDIN") as copy:
            for _, _, row in batch:
                copy.write_row(row)
        if "db" in stores:
            columns = "session_key, session_data, expire_date, entry_id"
            with raw.cursor().copy(f"COPY {store.model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for key, data, row in batch:
                    copy.write_row((key, store.encode(data), expires, row[0]))
        if "cache" in stores:
            prefix = cache_engine.KEY_PREFIX
            cache.set_many({prefix + key: data for key, data, _ in batch}, settings.SESSION_COOKIE_AGE)
        batch.clear()

    for item in session_rows(owners, per_user):
        batch.append(item)
        count += 1
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("users", type=int)
    parser.add_argument("per_user", type=int)
    parser.add_argument(
        "--owner", default="", help="an existing user who also gets --owner-sessions sessions"
    )
    parser.add_argument("--owner-sessions", type=int, default=0)
    parser.add_argument("--stores", default="db,cache")
    args = parser.parse_args()
    stores = set(args.stores.split(","))
    started = time.monotonic()
    owners = seed_users(args.users) if args.users else []
    count = seed_sessions(owners, args.per_user, stores)
    if args.owner:
        user = get_user_model().objects.get(username=args.owner)
        count += seed_sessions([(user.pk, user.get_session_auth_hash())], args.owner_sessions, stores)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"seeded {len(owners)} users and {count} sessions in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
