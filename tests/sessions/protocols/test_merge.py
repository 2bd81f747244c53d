"""The merge on save: two requests that change different keys of one session at once both keep them."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.contrib.sessions.backends.base import UpdateError

MERGING = ["db", "cache", "cached_db", "file"]


@pytest.fixture(params=MERGING)
def store_class(request, settings, tmp_path, monkeypatch, transactional_db):
    """The engine's SessionStore, on the real PostgreSQL, Redis or a directory of this test's own."""
    if request.param in ("cache", "cached_db"):
        request.getfixturevalue("redis")
    settings.SESSION_ENGINE = settings.SESSION_ENGINES[request.param]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if request.param == "file":
        monkeypatch.setattr(store, "_storage_path", str(tmp_path), raising=False)
    return store


def _stored_session(store_class) -> str:
    first = store_class()
    first.update({"kept": "from before", "dropped": "from before"})
    first.save()
    return first.session_key


def test_two_stores_that_change_different_keys_both_keep_their_change(store_class):
    key = _stored_session(store_class)
    one, other = store_class(key), store_class(key)
    assert one["kept"] == other["kept"] == "from before"  # both loaded before either saves

    one["one"] = 1
    del one["dropped"]
    other["other"] = 2
    one.save()
    other.save()

    stored = store_class(key).load()
    assert stored == {"kept": "from before", "one": 1, "other": 2}


def test_a_save_does_not_bring_back_a_session_ended_meanwhile(store_class):
    key = _stored_session(store_class)
    late = store_class(key)
    late["late"] = True
    store_class(key).delete()

    with pytest.raises(UpdateError):
        late.save()
    assert store_class(key).load() == {}
