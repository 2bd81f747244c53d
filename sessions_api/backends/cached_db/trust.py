"""When Redis may be trusted as a cache of the database, in every process, across a network partition.

The hard case is a partition that is not a restart: while the service cannot reach Redis, writes go to
the database alone and Redis keeps its older copies; once the partition heals, those copies would hide
the writes. Nothing can be told to Redis during the cut, and the process that reads after the heal is
often not the one that wrote during it (another worker, another host, one that saw no error at all).
So the doubt is recorded where every process looks, the database, in one ``CacheEpoch`` row:

- A process trusts the cache for at most ``LEASE`` seconds after it read that row and found no open
  episode: one small query per process every quarter of a lease, not one per request.
- A write that cannot update the cache (Redis unreachable, or not trusted now) opens an episode in the
  row, in the same transaction as the write, and is acknowledged only ``LEASE`` seconds (and a margin)
  after this process first saw the episode, when every trust granted before it has run out. Later
  writes of the same episode need not wait. A write that did update the cache counts only if it
  committed while the trust it used still held; otherwise it opens an episode too.
- While an episode is open no process reads or fills the cache. A process that has seen the episode
  open for ``LEASE`` seconds, and finds Redis answering, closes it by moving ``epoch`` on. The epoch is
  part of every cache key, so everything cached before is abandoned at once (it expires by its own TTL)
  and the cache fills again from the database.

Why not simpler: a list of keys to invalidate, drained by the process that saw the error once Redis
answers it again, leaves every other process trusting the old copies in the meantime; some lease is
needed whatever is recorded. With the lease in place, a new epoch replaces the list: it needs no
bookkeeping per key and cannot miss one. Only durations on one process's own clock are compared, never
the clocks of two hosts, and nothing here runs on the path of a request while the cache is healthy,
except that query.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Case, F, Value, When

from api_project.errors import STORE_ERRORS
from api_project.store_health import redis_health
from sessions_api.models import CacheEpoch

LEASE = 1.0  # seconds a process trusts the cache after reading the CacheEpoch row
# Waits for leases to run out are this much longer than a lease: a reader checks its lease just before
# it sends a command, and the command may reach Redis a little later (a pause, a slow scheduler).
MARGIN = 0.25
_PROBE_KEY = "cache-trust-probe"
_SESSION_CACHE = "session_cache"  # its cooldown in the breaker's policy (api_project/store_health.py)

logger = logging.getLogger(__name__)

KeyOf = Callable[[int], str]  # the cache key of an entry under an epoch


@dataclass(frozen=True)
class Trust:
    """Permission to use the cache under one epoch until a deadline on this process's monotonic clock."""

    epoch: int
    until: float


class _Process:
    """What this process knows about the cache; changed under ``lock``."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.trust: Trust | None = None
        self.next_check = 0.0  # do not read the row again before this
        self.episode = ""  # the open episode this process has seen ...
        self.episode_seen = 0.0  # ... and when it first saw it


_process = _Process()


def current() -> Trust | None:
    """Return the trust to read and write the cache under now, or None to go to the database only."""
    if redis_health.open(_SESSION_CACHE):
        return None
    now = time.monotonic()
    if now >= _process.next_check:
        trust = _process.trust
        # While the trust in hand still holds, other threads use it rather than wait for the check.
        if _process.lock.acquire(blocking=trust is None or now >= trust.until):
            try:
                if time.monotonic() >= _process.next_check:
                    _check()
            finally:
                _process.lock.release()
    trust = _process.trust
    return trust if trust is not None and time.monotonic() < trust.until else None


def _check() -> None:
    """Read the row: trust its epoch for a lease, or note the open episode and close it when it is safe."""
    started = time.monotonic()
    row = CacheEpoch.objects.get_or_create(pk=1)[0]
    if not row.dirty:
        # Checked again well before the lease ends, so a trust handed out always has most of a lease
        # left: a write that starts under it has that long to commit (see Written.settle).
        _process.trust = Trust(row.epoch, started + LEASE)
        _process.next_check = started + LEASE / 4
        return
    _process.trust = None
    _process.next_check = started + LEASE / 2
    seen = _observe(row.dirty)
    # Closing must commit on its own: never inside a caller's transaction, which might roll back.
    if time.monotonic() - seen >= LEASE + MARGIN and transaction.get_autocommit() and _redis_answers():
        CacheEpoch.objects.filter(pk=1, dirty=row.dirty).update(epoch=F("epoch") + 1, dirty="")
        logger.warning("session cache trusted again under a new epoch after episode %s", row.dirty)
        _check()


def _observe(episode: str) -> float:
    """Return when this process first saw this episode (now, if it had not)."""
    if _process.episode != episode:
        _process.episode, _process.episode_seen = episode, time.monotonic()
    return _process.episode_seen


def _redis_answers() -> bool:
    try:
        caches[settings.SESSION_CACHE_ALIAS].get(_PROBE_KEY)
    except STORE_ERRORS as exc:
        failed(exc)
        return False
    return True


def failed(exc: BaseException) -> None:
    """Note a cache error: leave Redis alone for a cooldown, so requests do not each wait for a timeout."""
    redis_health.trip(exc, "session cache")


def _usable(trust: Trust | None) -> TypeGuard[Trust]:
    """Tell whether the cache may be used under this trust now (it may have run out, or Redis failed)."""
    return trust is not None and time.monotonic() < trust.until and not redis_health.open(_SESSION_CACHE)


def cache_get(cache: Any, trust: Trust | None, key_of: KeyOf) -> Any:
    """Return the cached value, or None when there is none, the cache is not trusted, or it fails."""
    if not _usable(trust):
        return None
    try:
        return cache.get(key_of(trust.epoch))
    except STORE_ERRORS as exc:
        failed(exc)
        return None


def cache_fill(cache: Any, trust: Trust | None, key_of: KeyOf, value: Any, timeout: float) -> None:
    """Cache what was just read from the database, unless a write already cached something newer."""
    if not _usable(trust):
        return
    try:
        cache.add(key_of(trust.epoch), value, timeout)
    except STORE_ERRORS as exc:
        failed(exc)


@dataclass(frozen=True)
class Written:
    """The cache's side of one database write: settle() it once the transaction has committed."""

    trust: Trust | None
    episode: str

    def settle(self) -> None:
        """Return once no process can read a copy older than the write that just committed."""
        episode = self.episode
        if not episode:
            # An episode the trust predates is closed no sooner than a lease and a margin after the
            # trust's check; a write committed before the trust's end plus the margin came before that.
            if self.trust is not None and time.monotonic() < self.trust.until + MARGIN:
                return
            episode = _open_episode()  # the write outlasted its trust
        with _process.lock:
            seen = _observe(episode)
            _process.trust = None
            _process.next_check = min(_process.next_check, time.monotonic() + LEASE / 2)
        remaining = seen + LEASE + MARGIN - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


def cache_write(cache: Any, key_of: KeyOf, value: Any, timeout: float) -> Written:
    """In the writer's transaction: put the value in the cache, or open an episode if that fails."""
    trust = current()
    if _usable(trust):
        try:
            cache.set(key_of(trust.epoch), value, timeout)
            return Written(trust, "")
        except STORE_ERRORS as exc:
            failed(exc)
    return Written(None, _open_episode())


def _open_episode() -> str:
    """Open an episode, or join the open one; return its name. Commits with the caller's transaction."""
    name = uuid.uuid4().hex
    episodes = CacheEpoch.objects.filter(pk=1)
    episodes.update(dirty=Case(When(dirty="", then=Value(name)), default=F("dirty")))
    return episodes.values_list("dirty", flat=True).get()
