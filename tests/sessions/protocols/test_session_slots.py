"""A signed-in ``cache`` session's key lies in its user's hash slot; a key without the tag still works."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string
from redis.crc import REDIS_CLUSTER_HASH_SLOTS, key_slot

from api_project import redis_layout


def test_every_hash_slot_has_a_tag_of_four_key_characters():
    for slot in range(REDIS_CLUSTER_HASH_SLOTS):
        tag = redis_layout.slot_tag(slot)
        assert len(tag) == redis_layout.SESSION_TAG_LENGTH and set(tag) <= set(VALID_KEY_CHARS)
        assert key_slot(f"sessions{{{tag}}}rest".encode()) == slot


@pytest.fixture
def store_class(redis, settings):
    settings.SESSION_ENGINE = settings.SESSION_ENGINES["cache"]
    return import_module(settings.SESSION_ENGINE).SessionStore


def _stored_name(store) -> str:
    return store._cache.client.make_key(store.cache_key)


def test_a_session_saved_signed_in_gets_a_key_in_its_users_slot(store_class, redis):
    store = store_class()
    store.update({SESSION_KEY: "42", "kept": 1})
    store.save()

    key = store.session_key
    assert len(key) == 36 and key.startswith(redis_layout.session_tag("42"))
    user_copy, _ = redis_layout.snapshot_keys("user", user_id="42")
    assert key_slot(_stored_name(store).encode()) == key_slot(user_copy.encode())
    assert redis.exists(_stored_name(store))

    assert store_class(key).load() == {SESSION_KEY: "42", "kept": 1}
    assert store_class().exists(key)
    store_class().delete(key)
    assert not redis.exists(_stored_name(store))


def test_an_anonymous_session_keeps_djangos_key(store_class):
    store = store_class()
    store["visitor"] = True
    store.save()
    assert len(store.session_key) == 32


def test_a_key_made_before_tags_is_read_written_and_ended_where_django_kept_it(store_class, redis):
    key = get_random_string(32, VALID_KEY_CHARS)
    old = store_class(key)
    old._cache.set(f"{old.cache_key_prefix}{key}", {SESSION_KEY: "42", "kept": 1}, 60)

    store = store_class(key)
    store["added"] = 2
    store.save()
    assert store.session_key == key
    assert store_class(key).load() == {SESSION_KEY: "42", "kept": 1, "added": 2}
    store_class(key).delete()
    assert not redis.exists(old._cache.client.make_key(f"{old.cache_key_prefix}{key}"))
