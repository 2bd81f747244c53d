"""examples/client.py, the mobile-style client, run as a user would against a live service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.clients import PASSWORD, new_username, register

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "client.py"


def run_example(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_client_logs_in_uses_its_session_and_logs_out_on_the_engine_that_changes_its_token(
    server_pool,
):
    server = server_pool.get("signed_cookies")  # every write hands the client a new token
    username = new_username()
    assert register(server.url, username).status_code == 201

    result = run_example(
        SESSION_API_URL=server.url, SESSION_API_USERNAME=username, SESSION_API_PASSWORD=PASSWORD
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"logged in as {username} (session ")
    assert lines[0].endswith("signed_cookies engine)")
    assert lines[1] == 'session data: {"cart": ["apple", "pear"]}'
    assert lines[2].startswith("session expires in ") and lines[2].endswith("s (policy seconds)")
    assert lines[3] == "logged out: the old token now gets 401"


def test_the_client_reports_a_refused_login_and_exits_with_1(sqlite_server):
    result = run_example(sqlite_server.url, new_username(), "not-the-password")
    assert result.returncode == 1
    assert "POST /auth/login answered 401" in result.stderr
    assert "invalid_credentials" in result.stderr


def test_the_client_without_a_url_and_credentials_prints_its_usage_and_exits_with_2():
    result = run_example()
    assert result.returncode == 2
    assert result.stderr.startswith("usage: client.py BASE_URL USERNAME PASSWORD")
