"""Every Redis key the service writes, in one layout that a single Redis and a Redis Cluster both serve.

A Redis Cluster refuses a Lua script or an ``MGET`` whose keys lie in different hash slots
(``CROSSSLOT``), and a script that reads a key it did not declare. So every key that one call touches
carries the same hash tag (the part between the first ``{`` and the next ``}``, the only part a cluster
hashes), named after the one identity the keys are about. On a single Redis (or under Sentinel) a hash
tag is just part of the name: there is one layout, and one code path.

All keys start with ``CACHE_KEY_PREFIX`` (``<p>``, by default ``sessauth``), which may hold no brace:

- ``<p>:1:django.contrib.sessions.cache{<tag>}<rest>``: a signed-in ``cache`` engine session, whose key
  begins with a tag of four key characters (``session_tag``) that hashes to its user's slot, so that
  the auth check reads the session and its user's copies in one ``MGET`` on a cluster too; and
  ``<p>:1:django.contrib.sessions.cache<session key>`` (Django's name) for a key without a tag: an
  anonymous session, or one made before tags. Every script touches the session's one key;
- ``<p>:1:django.contrib.sessions.cached_db:<epoch>:<session key>`` and ``<p>:1:cache-trust-probe``:
  ``cached_db``'s copies and probe, each read or written alone;
- ``<p>:snap:{u:<user id>}:user`` and ``<p>:snap:{u:<user id>}:entry:<entry id>``, each with a
  ``:gen`` counter beside it: the auth check's copies of a user and of one of its registry entries.
  The entry's copy is filed under its user's tag, so the one ``MGET`` of the auth check and each
  fill or drop script stay in one slot;
- ``<p>:loginfail:user:<hash>``, ``<p>:loginfail:addr:<network>``, ``<p>:loginfail:reg:addr:<network>``:
  the throttle's counters, each reserved by a script of its own (``accounts.throttling``).

A session key without a tag (anonymous, or made before tags) lies in a slot of its own: the ``cache``
engine then reads it with a GET and its user's copies with an MGET.
"""

from __future__ import annotations

from binascii import crc_hqx
from functools import cache
from itertools import product
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot

SESSION_TAG_LENGTH = 4
SESSION_KEY_LENGTH = 32  # Django's, of random characters
TAGGED_SESSION_KEY_LENGTH = SESSION_TAG_LENGTH + SESSION_KEY_LENGTH


def _prefix() -> str:
    return settings.CACHES["default"].get("KEY_PREFIX", "")


def user_tag(user_id: Any) -> str:
    """Return the hash tag of every key about one user."""
    return f"{{u:{user_id}}}"


def session_tag(user_id: Any) -> str:
    """Return the four key characters that begin the key of each session of a user: a hash tag in the
    user's slot (``user_tag``), so that the session and its user's copies share a node and one MGET."""
    return slot_tag(key_slot(user_tag(user_id).encode()))


@cache
def slot_tag(slot: int) -> str:
    """Return a tag of four key characters in the hash slot ``slot``."""
    # Redis's CRC16 (crc_hqx from 0) is linear: for two-character halves a and b,
    # crc(a + b) == crc(a + "\0\0") ^ crc("\0\0" + b). So a tag of a slot is a head whose CRC, XOR the slot,
    # is the low bits of some tail's CRC: a few dictionary lookups instead of a search of 36**4 strings.
    heads, tails = _halves()
    for head, head_crc in heads:
        tail = tails.get((head_crc ^ slot) % REDIS_CLUSTER_HASH_SLOTS)
        if tail is not None:
            return head + tail
    raise AssertionError(f"no tag of {SESSION_TAG_LENGTH} key characters hashes to slot {slot}")


@cache
def _halves() -> tuple[list[tuple[str, int]], dict[int, str]]:
    pairs = ["".join(pair) for pair in product(VALID_KEY_CHARS, repeat=2)]
    heads = [(pair, crc_hqx(pair.encode() + b"\0\0", 0)) for pair in pairs]
    tails = {crc_hqx(b"\0\0" + pair.encode(), 0) % REDIS_CLUSTER_HASH_SLOTS: pair for pair in pairs}
    return heads, tails


def tagged_session_name(session_key: str) -> str:
    """Return the name of a session under Django's prefix: its tag, when its key has one, in braces."""
    if len(session_key) == TAGGED_SESSION_KEY_LENGTH:
        return f"{{{session_key[:SESSION_TAG_LENGTH]}}}{session_key[SESSION_TAG_LENGTH:]}"
    return session_key


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
