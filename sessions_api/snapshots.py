"""Copies, in the shared Redis, of the two rows every signed-in request reads: its registry entry and user.

The auth check (``accounts.authentication.session_user``) reads both on every request. Where the session
is not in the database (``cache``, ``file``, ``signed_cookies``), it gets them here, from Redis in one
round trip and from the database only on a miss (``db`` reads them joined to the session's row;
``cached_db`` from the database, see ``enabled``). A copy is never served past a write:

* Every write to a registry entry or a user drops its copy. The model signals below catch ``save()``
  and ``delete()`` (the admin's, cascades and queryset deletes included); the registry's queryset
  (``sessions_api.models.UserSessionQuerySet``) drops the copies of the rows its ``update()`` changes,
  so no caller has to. The service changes users only by ``save()``; Django's ``User`` model cannot
  take a queryset of ours without swapping the user model, so a ``QuerySet.update()`` of users made
  by hand (a shell) leaves copies that the timeout (``AUTH_CACHE_TIMEOUT``) bounds.
* A copy is dropped before the write, so that with Redis unreachable the write fails (a 503) instead
  of leaving a copy behind, and again once the transaction commits, to drop any copy a reader took
  from the old row in between.
* A reader that missed fills the cache only if no drop happened since it looked: each key has a
  generation counter, read with the copy, bumped by every drop and compared in the same Lua call that
  fills. A reader that loaded a row just before a revocation cannot put it back after it.

* After a Redis error a process reads from the database alone for a cooldown (the one breaker of
  ``api_project/store_health.py``), instead of every signed-in request waiting out the Redis
  timeout. Drops are tried unless Redis already failed during the same request: a revocation during
  a cut is a 503 after one timeout, and works again as soon as Redis answers.

The copies live in Redis, never in process memory, so a write on one instance holds on every other on
the very next request. Without ``REDIS_URL`` nothing is cached and every read goes to the database.
The user's copy leaves out the password hash (only its session HMAC, which the session holds anyway,
is kept, with the name of the SECRET_KEY that made it): the model instance built from it loads the
password from the database if anything reads it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils.crypto import salted_hmac
from redis.exceptions import ConnectionError as RedisConnectionError

from api_project import redis_layout, redis_replicas
from api_project.errors import STORE_ERRORS
from api_project.store_health import redis_health
from sessions_api.backends.base import configured_engine
from sessions_api.models import UserSession
from sessions_api.rows import dump_instance, load_instance, row_by_pk

logger = logging.getLogger(__name__)

ENTRY = "entry"
USER = "user"
ABSENT = b"-"  # the row does not exist: cached too, so replayed revoked sessions cost no query
GENERATION_TIMEOUT = 24 * 3600  # far longer than any request between its read and its fill
USER_NOT_COPIED = frozenset({"password", "last_login"})  # the copy holds the password's session HMAC
UNSEEN_USER_FIELDS = frozenset({"last_login"})  # a save of only these changes nothing the copy holds

# Fill KEYS[1] with ARGV[2] for ARGV[3] seconds, only if the generation KEYS[2] is still ARGV[1].
_FILL = """
if (redis.call('GET', KEYS[2]) or '') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 0
"""
# Drop KEYS[1] and bump its generation KEYS[2], so that no fill begun before this lands after it.
_DROP = """
for i = 1, #KEYS, 2 do
  redis.call('INCR', KEYS[i + 1])
  redis.call('EXPIRE', KEYS[i + 1], ARGV[1])
  redis.call('DEL', KEYS[i])
end
return 0
"""  # KEYS: copy, generation, copy, generation, ... (all in one hash slot)

Loader = Callable[[], dict[str, Any] | None]


class Request(NamedTuple):
    """One row asked for: its kind and id, the keys of its copy and generation, how to load it."""

    kind: str
    ident: Any
    keys: tuple[str, str]
    load: Loader


def enabled() -> bool:
    """Tell whether auth checks use the Redis copies: with Redis, where the engine wants them.

    (``EngineContract.uses_auth_copies`` says why ``db`` and ``cached_db`` do not.)
    """
    return (
        bool(settings.REDIS_URL) and settings.AUTH_CACHE_TIMEOUT > 0 and configured_engine().uses_auth_copies
    )


_AUTH_COPIES = "auth_copies"  # this module's cooldown in the breaker's policy (api_project/store_health.py)


@cache
def _redis() -> tuple[Any, Any, Any]:
    from django_redis import get_redis_connection

    client = get_redis_connection("default")
    return client, client.register_script(_FILL), client.register_script(_DROP)


Prefetched = dict[tuple[str, str], tuple[Any, Any]]  # (kind, id) -> (copy, generation) as Redis held them


def available() -> bool:
    """Tell whether a caller may read copies in its own Redis call: copies are on, Redis lately answered."""
    return enabled() and not redis_health.open(_AUTH_COPIES)


def keys_of(kind: str, ident: Any, user_id: Any) -> tuple[str, str]:
    """Return the keys of a copy and its generation (an entry's lie in its user's slot)."""
    if kind == USER:
        return redis_layout.snapshot_keys(USER, user_id=ident)
    return redis_layout.snapshot_keys(ENTRY, user_id=user_id, entry_id=ident)


def get_many(
    requests: Sequence[Request], prefetched: Prefetched | None = None
) -> list[dict[str, Any] | None]:
    """Return each (kind, id)'s copy, loading (and caching) the missing ones; None where there is no row.

    ``prefetched`` holds copies (and their generations) read moments ago with the session, in the same
    pipeline: when it has every one asked for, this makes no round trip of its own.
    """
    if not enabled():
        return [request.load() for request in requests]
    if redis_health.open(_AUTH_COPIES):  # the database is the truth: go on without the cache
        return [request.load() for request in requests]
    client, fill, _ = _redis()
    keys = [key for request in requests for key in request.keys]
    wanted = [(request.kind, str(request.ident)) for request in requests]
    if prefetched and all(want in prefetched for want in wanted):
        found = [value for want in wanted for value in prefetched[want]]
    else:
        try:
            found = client.mget(keys)
        except STORE_ERRORS as exc:
            redis_health.trip(exc, "read")
            return [request.load() for request in requests]
    results: list[dict[str, Any] | None] = []
    for index, request in enumerate(requests):
        raw, generation = found[2 * index], found[2 * index + 1]
        if raw is not None:
            results.append(None if raw == ABSENT else json.loads(raw))
            continue
        data = request.load()
        value = ABSENT if data is None else json.dumps(data, separators=(",", ":"))
        try:
            fill(
                keys=keys[2 * index : 2 * index + 2],
                args=[generation or b"", value, settings.AUTH_CACHE_TIMEOUT],
            )
        except STORE_ERRORS as exc:
            redis_health.trip(exc, "fill")
        results.append(data)
    return results


def invalidate_entries(entries: Iterable[tuple[str, Any]]) -> None:
    """Drop the copies of many registry entries, given as (entry id, user id), before a write that
    bypasses the model's signals: now and after the commit, one Redis call per user each time."""
    if not enabled():
        return
    by_user: dict[str, list[str]] = {}
    for entry_id, user_id in entries:  # a user's copies share its hash slot: one call each
        by_user.setdefault(str(user_id), []).extend(keys_of(ENTRY, entry_id, user_id))
    _drop_now_and_after_commit(list(by_user.values()))


def _drop_now_and_after_commit(key_groups: list[Sequence[str]]) -> None:
    """Drop each group of copies (one Redis call each) now, and again once the transaction commits.

    The second drop removes a copy that a reader filled from the row before the write committed.
    """
    for keys in key_groups:
        _drop(keys)

    def after_commit() -> None:
        for keys in key_groups:
            _drop_after_commit(keys)

    transaction.on_commit(after_commit)


def paused() -> bool:
    """Tell whether this process has lately failed to reach Redis (and reads the database alone)."""
    return enabled() and redis_health.open(_AUTH_COPIES)


def _drop(keys: Sequence[str]) -> None:
    """Drop copies (keys: copy, generation, ...; one hash slot); raise a store error (a 503) when Redis
    cannot be told, so the write does not happen."""
    if redis_health.failed_in_this_request():  # a request waits out one Redis timeout, not two
        raise RedisConnectionError("Redis did not answer earlier in this request")
    _, _, drop = _redis()
    try:
        redis_replicas.script(drop, keys=list(keys), args=[GENERATION_TIMEOUT])  # and WAIT, if asked
    except STORE_ERRORS as exc:
        redis_health.trip(exc, "drop")
        raise


def _drop_after_commit(keys: Sequence[str]) -> None:
    try:
        _drop(keys)
    except STORE_ERRORS as exc:  # the first drop succeeded; only a fill raced in between can remain
        logger.error("snapshot cache unavailable after commit (%s): %s", keys[0], exc.__class__.__name__)


# --- the auth check's two rows -------------------------------------------------------------------


def entry_request(entry_id: str, user_id: Any) -> Request:
    """Ask for a registry entry among the user's own: another user's entry reads as none."""

    def load() -> dict[str, Any] | None:
        entry = row_by_pk(UserSession, entry_id)
        # Its copy lies under the user's tag, where only drops for that user reach it.
        if entry is None or str(entry.user_id) != str(user_id):
            return None
        return dump_instance(entry)

    return Request(ENTRY, entry_id, keys_of(ENTRY, entry_id, user_id), load)


def user_request(user_id: Any) -> Request:
    def load() -> dict[str, Any] | None:
        try:
            user = row_by_pk(get_user_model(), user_id)
        except (ValueError, TypeError, ValidationError):  # not an id at all: no such user
            return None
        if user is None:
            return None
        return {
            **dump_instance(user, leave_out=USER_NOT_COPIED),
            "_auth_hash": user.get_session_auth_hash(),
            "_key_id": _key_id(),
        }

    return Request(USER, user_id, keys_of(USER, user_id, user_id), load)


def auth_rows(*, entry_id: str, user_id: Any, prefetched: Prefetched | None = None) -> tuple[Any, Any]:
    """Return a session's registry entry and its user (each None where there is no row).

    One Redis round trip when both are cached, none when ``prefetched`` holds both.
    """
    entry, user = get_many([entry_request(entry_id, user_id), user_request(user_id)], prefetched)
    return entry_from(entry), user_from(user)


def session_auth_hash(user: Any) -> str:
    """Return the HMAC of the user's password hash that its sessions hold (the copy's, if it has one)."""
    return getattr(user, "_snapshot_auth_hash", None) or user.get_session_auth_hash()


def entry_from(data: dict[str, Any] | None) -> UserSession | None:
    return load_instance(UserSession, data) if data is not None else None


def user_from(data: dict[str, Any] | None) -> Any:
    if data is None:
        return None
    data = dict(data)
    auth_hash, key_id = data.pop("_auth_hash"), data.pop("_key_id", None)
    user = load_instance(get_user_model(), data)
    if key_id == _key_id():  # else made with another SECRET_KEY: the password loads from the database
        user._snapshot_auth_hash = auth_hash
    return user


@cache
def _key_id() -> str:
    """Name the SECRET_KEY that session HMACs are made with, without revealing anything of it.

    Instances that share Redis may run with different keys for a while (a rotation rolled out one by
    one); an HMAC made with another key than this process's would end every session it checks.
    """
    return salted_hmac("sessions_api.snapshots.key_id", "", algorithm="sha256").hexdigest()[:16]


# --- invalidation on every write -----------------------------------------------------------------


def _keys_of_row(sender: Any, instance: Any, update_fields: Any) -> tuple[str, str] | None:
    """Return the keys of the copy a write to this row changes, or None (nothing cached changes)."""
    kind = _kind_of(sender, instance, update_fields)
    if kind is None:
        return None
    return keys_of(kind, instance.pk, instance.user_id if kind == ENTRY else instance.pk)


def _kind_of(sender: Any, instance: Any, update_fields: Any) -> str | None:
    """Return which copy a write to this row changes, or None (last_login-only saves, other models)."""
    if sender is UserSession:
        return ENTRY
    if sender is get_user_model() and (update_fields is None or not set(update_fields) <= UNSEEN_USER_FIELDS):
        return USER
    return None


def _before_write(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    keys = None if instance._state.adding else _keys_of_row(sender, instance, update_fields)
    if keys is not None and enabled():
        _drop(keys)  # raises with Redis down: the write does not happen


def _after_write(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    keys = None if kwargs.get("created") else _keys_of_row(sender, instance, update_fields)
    if keys is not None and enabled():
        transaction.on_commit(lambda: _drop_after_commit(keys))


# Only these two models: a delete receiver on every model would cost every other model its fast delete.
for _model in (UserSession, settings.AUTH_USER_MODEL):
    pre_save.connect(_before_write, sender=_model, dispatch_uid=f"snapshots.pre_save.{_model}")
    pre_delete.connect(_before_write, sender=_model, dispatch_uid=f"snapshots.pre_delete.{_model}")
    post_save.connect(_after_write, sender=_model, dispatch_uid=f"snapshots.post_save.{_model}")
    post_delete.connect(_after_write, sender=_model, dispatch_uid=f"snapshots.post_delete.{_model}")
