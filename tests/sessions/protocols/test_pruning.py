"""Clearing expired sessions prunes the registry, and accounts prunes its own throttle rows on it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from sessions_api import services
from sessions_api.models import LoginFailure, UserSession


def _entry(user, *, expires_in: int) -> UserSession:
    now = timezone.now()
    return UserSession.objects.create(
        user=user,
        transport="header",
        created_at=now,
        last_activity=now,
        authenticated_at=now,
        expires_at=now + timedelta(seconds=expires_in),
        absolute_expires_at=now + timedelta(days=1),
    )


def test_clearing_expired_sessions_prunes_expired_entries_and_old_login_failures(transactional_db, settings):
    settings.SESSION_ENGINE = settings.SESSION_ENGINES["db"]
    user = get_user_model().objects.create_user("pruned", password=None)
    expired, live = _entry(user, expires_in=-1), _entry(user, expires_in=3600)
    window = max(settings.LOGIN_FAILURE_WINDOW, settings.REGISTRATION_WINDOW)
    LoginFailure.objects.create(key="old", at=timezone.now() - timedelta(seconds=window + 1))
    recent = LoginFailure.objects.create(key="recent", at=timezone.now())

    assert services.expired_sessions_clear() == 1
    assert list(UserSession.objects.values_list("pk", flat=True)) == [live.pk]
    assert not UserSession.objects.filter(pk=expired.pk).exists()
    assert list(LoginFailure.objects.values_list("pk", flat=True)) == [recent.pk]
