"""Production refuses a SECRET_KEY that ``check --deploy`` would call insecure; development takes any."""

from __future__ import annotations

import secrets
import subprocess

import pytest

from tests.support.server import TEST_SECRET_KEY, manage, service_env

WEAK_KEYS = {
    "short": "short-key",
    "few-distinct-characters": "ab" * 25,
    "django-insecure-prefix": "django-insecure-" + secrets.token_urlsafe(50),
}


def check(**env: str) -> subprocess.CompletedProcess[str]:
    return manage(service_env({"DATABASE_URL": "sqlite://:memory:", **env}), "check", check=False)


@pytest.mark.parametrize("key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_a_weak_secret_key_stops_production_with_one_line(key):
    result = check(DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: SECRET_KEY is too weak")
    assert key not in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("key", [secrets.token_urlsafe(50), TEST_SECRET_KEY], ids=["random", "test-harness"])
def test_a_strong_secret_key_starts_production(key):
    result = check(DEBUG="0", SECRET_KEY=key)
    assert result.returncode == 0, result.stderr


def test_development_takes_a_short_secret_key():
    result = check(DEBUG="1", SECRET_KEY="short-key")
    assert result.returncode == 0, result.stderr
