"""Every Redis key the service writes, in one layout that a single Redis and a Redis Cluster both serve.

A Redis Cluster refuses a Lua script or an ``MGET`` whose keys lie in different hash slots
(``CROSSSLOT``), and a script that reads a key it did not declare. So every key that one call touches
carries the same hash tag (the part between the first ``{`` and the next ``}``, the only part a cluster
hashes), named after the one identity the keys are about. On a single Redis (or under Sentinel) a hash
tag is just part of the name: there is one layout, and one code path.

All keys start with ``CACHE_KEY_PREFIX`` (``sessauth``), which may hold no brace. Under it:

===================================================  =========================================  =========
key                                                  what                                       one call
===================================================  =========================================  =========
``<p>:1:django.contrib.sessions.cache<session key>``  a ``cache`` engine session (Django's name)    alone
``<p>:1:django.contrib.sessions.cached_db:<epoch>:``  a ``cached_db`` session's copy               alone
``<session key>``
``<p>:1:cache-trust-probe``                          ``cached_db``'s "does Redis answer" probe    alone
``<p>:snap:{u:<user id>}:user`` (and ``:gen``)        the auth check's copy of a user             one MGET
``<p>:snap:{u:<user id>}:entry:<entry id>`` (and      the copy of one of the user's registry      with the
``:gen``)                                            entries                                    user's
``<p>:loginfail:user:<hash>``, ``...:addr:<net>``,    the throttle's counters (sorted sets)        alone
``...:reg:addr:<net>``
===================================================  =========================================  =========

The auth check reads a session's registry entry and its user in one ``MGET``: the entry's copy is filed
under its user's tag, so both copies and their generation counters share a slot. Each throttle counter
is reserved by a script of its own (``accounts.throttling``), so no call spans two counters.
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
