"""The auth check's copies in Redis: a fill that lost the race with a drop never lands."""

from __future__ import annotations

import pytest

from sessions_api import snapshots
from sessions_api.backends import base

ENTRY_ID, USER_ID = "protocol-entry", "7"


@pytest.fixture
def copies(redis, settings, transactional_db):
    """Copies on, as on the engines that use them."""
    settings.SESSION_ENGINE = settings.SESSION_ENGINES["file"]
    base.configured_engine.cache_clear()
    assert snapshots.enabled()
    return redis


def _request(load) -> snapshots.Request:
    return snapshots.Request(
        snapshots.ENTRY, ENTRY_ID, snapshots.keys_of(snapshots.ENTRY, ENTRY_ID, USER_ID), load
    )


def test_a_miss_fills_the_copy_and_the_next_read_is_served_from_it(copies):
    loads = []
    row = {"id": ENTRY_ID, "user_id": 7}

    def load():
        loads.append(1)
        return row

    assert snapshots.get_many([_request(load)]) == [row]
    assert snapshots.get_many([_request(load)]) == [row]
    assert len(loads) == 1
    assert copies.get(_request(load).keys[0]) is not None


def test_a_fill_that_lost_the_race_with_a_drop_never_lands(copies):
    row = {"id": ENTRY_ID, "user_id": 7}

    def load_while_a_revocation_lands():
        # The reader has read the row from the database; before it fills the copy, a revocation
        # deletes the row and drops the copy (now, and after its commit).
        snapshots.invalidate_entries([(ENTRY_ID, USER_ID)])
        return row

    assert snapshots.get_many([_request(load_while_a_revocation_lands)]) == [row]
    assert copies.get(_request(load_while_a_revocation_lands).keys[0]) is None

    fresh = snapshots.get_many([_request(lambda: None)])
    assert fresh == [None]  # the next reader goes to the database, which no longer has the row


def test_an_update_of_registry_entries_drops_their_copies_without_the_caller_asking(copies):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sessions_api.models import UserSession

    user = get_user_model().objects.create_user("copied", password=None)
    now = timezone.now()
    entry = UserSession.objects.create(
        user=user,
        transport="header",
        created_at=now,
        last_activity=now,
        authenticated_at=now,
        expires_at=now + timedelta(hours=1),
        absolute_expires_at=now + timedelta(days=1),
    )
    cached, _ = snapshots.auth_rows(entry_id=entry.pk, user_id=user.pk)
    assert cached.name == ""
    assert copies.get(snapshots.keys_of(snapshots.ENTRY, entry.pk, user.pk)[0]) is not None

    assert UserSession.objects.filter(pk=entry.pk).update(name="renamed") == 1

    assert copies.get(snapshots.keys_of(snapshots.ENTRY, entry.pk, user.pk)[0]) is None
    assert snapshots.auth_rows(entry_id=entry.pk, user_id=user.pk)[0].name == "renamed"
