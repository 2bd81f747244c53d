"""Every Redis key the service writes, in one layout that a single Redis and a Redis Cluster both serve.

A Redis Cluster refuses a Lua script or an ``MGET`` whose keys lie in different hash slots
(``CROSSSLOT``), and a script that reads a key it did not declare. So every key that one call touches
carries the same hash tag (the part between the first ``{`` and the next ``}``, the only part a cluster
hashes), named after the one identity the keys are about. On a single Redis (or under Sentinel) a hash
tag is just part of the name: there is one layout, and one code path.

All keys start with ``CACHE_KEY_PREFIX`` (``<p>``, by default ``sessauth``), which may hold no brace:

- ``<p>:1:django.contrib.sessions.cache<session key>``: a ``cache`` engine session (Django's name;
  every script touches this one key);
- ``<p>:1:django.contrib.sessions.cached_db:<epoch>:<session key>`` and ``<p>:1:cache-trust-probe``:
  ``cached_db``'s copies and probe, each read or written alone;
- ``<p>:snap:{u:<user id>}:user`` and ``<p>:snap:{u:<user id>}:entry:<entry id>``, each with a
  ``:gen`` counter beside it: the auth check's copies of a user and of one of its registry entries.
  The entry's copy is filed under its user's tag, so the one ``MGET`` of the auth check and each
  fill or drop script stay in one slot;
- ``<p>:loginfail:user:<hash>``, ``<p>:loginfail:addr:<network>``, ``<p>:loginfail:reg:addr:<network>``:
  the throttle's counters, each reserved by a script of its own (``accounts.throttling``).

Pipelines may span slots (a cluster sends each node its part): the ``cache`` engine reads a session
and its user's copies in one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def _prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX", "")


def user_tag(user_id: Any) -> str:
    """Return the hash tag of every key about one user."""
    return f"{{u:{user_id}}}"


def snapshot_keys(kind: str, *, user_id: Any, entry_id: Any = None) -> tuple[str, str]:
    """Return the keys of a copy and of its generation counter, both in the user's slot.

    ``kind`` is ``"user"`` (the user's own copy) or ``"entry"`` (one of its registry entries).
    """
    name = f"{_prefix()}:snap:{user_tag(user_id)}:{kind}"
    if kind != "user":
        name += f":{entry_id}"
    return name, name + ":gen"


def throttle_key(counter: str) -> str:
    """Return the key of one throttle counter (``user:<hash>``, ``addr:<net>``, ``reg:addr:<net>``)."""
    return f"{_prefix()}:loginfail:{counter}"
