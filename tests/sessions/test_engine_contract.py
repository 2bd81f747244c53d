"""The engine contract: what the rest of the service may ask of an engine, ours and a stock one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends import signed_cookies as stock_signed_cookies

from sessions_api.backends import base, cache, cached_db, db, file, signed_cookies
from sessions_api.models import UserSession

OURS = {"db": db, "cache": cache, "cached_db": cached_db, "file": file, "signed_cookies": signed_cookies}


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_engine_of_ours_is_known_by_the_contract(name):
    assert issubclass(OURS[name].SessionStore, base.EngineContract)
    assert settings.SESSION_ENGINES[name] == OURS[name].__name__


def test_a_stock_engine_gets_the_general_answers():
    engine = base.engine_of(stock_signed_cookies.SessionStore())
    assert (engine.data_max_bytes, engine.data_max_keys) == (
        settings.SESSION_DATA_MAX_BYTES,
        settings.SESSION_DATA_MAX_KEYS,
    )
    assert engine.client_holds_data is False
    assert engine.auth_rows("any-entry", 1) is None


def test_only_signed_cookies_holds_the_session_client_side_and_has_lower_limits():
    holders = {name for name, module in OURS.items() if module.SessionStore.client_holds_data}
    assert holders == {"signed_cookies"}
    store = signed_cookies.SessionStore()
    assert store.data_max_bytes == settings.SIGNED_COOKIES_DATA_MAX_BYTES < settings.SESSION_DATA_MAX_BYTES


def test_the_database_engines_read_the_auth_rows_themselves_not_from_redis():
    copying = {name for name, module in OURS.items() if module.SessionStore.uses_auth_copies}
    assert copying == {"cache", "file", "signed_cookies"}


def test_db_offers_only_the_rows_of_the_entry_asked_for():
    store = db.SessionStore()
    assert store.auth_rows("entry-a", 1) is None  # nothing read yet
    entry, user = UserSession(pk="entry-a"), object()
    store.joined_rows = ("entry-a", entry, user)
    assert store.auth_rows("entry-a", 1) == (entry, user)
    assert store.auth_rows("entry-b", 1) is None
