"""schemathesis against the committed openapi.yaml and a live server: every check, zero failures.

One run per transport, each with an authenticated profile (``schemathesis_hooks``) as a staff user,
so the staff endpoints are reached too. The server is one of its own (cached_db on PostgreSQL and
Redis): the fuzzer registers users, ends sessions and reuses the username it sees in responses with
random passwords, so its username throttle is set out of reach (the throttle is tested elsewhere).

The run is deterministic (a fixed seed) and sized for CI; ``ST_MAX_EXAMPLES`` and ``ST_SEED`` make a
longer or different one, e.g. ``ST_MAX_EXAMPLES=100 ST_SEED=7 pytest tests/reliability/test_schemathesis.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.clients import PASSWORD, new_username, register
from tests.support.server import Databases, LiveServer, service_env
from tests.support.services import REDIS_URL, require_postgres, require_redis, unique_name

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = os.environ.get("ST_MAX_EXAMPLES", "10")
SEED = os.environ.get("ST_SEED", "1")


@pytest.fixture(scope="module")
def fuzzed(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, str]]:
    """A server of its own and a staff user on it."""
    require_postgres()
    require_redis()
    env = {
        "SESSION_ENGINE": "cached_db",
        "DATABASE_URL": databases.postgres_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": unique_name("fuzz"),
        "LOGIN_FAILURES_PER_USERNAME": "1000000",
    }
    server = LiveServer(service_env(env), tmp_path_factory.mktemp("fuzz") / "server.log").start()
    username = new_username("fuzz")
    assert register(server.url, username).status_code == 201
    server.shell(
        f"from django.contrib.auth.models import User; User.objects.filter(username='{username}')"
        ".update(is_staff=True)"
    )
    yield server, username
    server.stop()


@pytest.mark.parametrize("transport", ["header", "cookie"])
def test_schemathesis_finds_no_failure_with_every_check(fuzzed, transport):
    server, username = fuzzed
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.reliability.schemathesis_hooks",
        "ST_BASE_URL": server.url,
        "ST_TRANSPORT": transport,
        "ST_USERNAME": username,
        "ST_PASSWORD": PASSWORD,
    }
    command = [
        SCHEMATHESIS,
        *("--config-file", str(CONFIG), "--no-color", "run", str(ROOT / "openapi.yaml")),
        *("--url", server.url, "--checks", "all", "--max-examples", MAX_EXAMPLES, "--seed", SEED),
        # One worker: schemathesis' threads let Hypothesis call ast.parse concurrently, which CPython
        # 3.11 does not survive ("AST constructor recursion depth mismatch", a Runtime Error in CI).
        *("--workers", "1", "--request-timeout", "30"),
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    cases = re.search(r"(\d+) generated", result.stdout)
    print(f"schemathesis ({transport}): {cases.group(0) if cases else '?'}")
    report = result.stdout[result.stdout.find("FAILURES") :] if "FAILURES" in result.stdout else result.stdout
    assert result.returncode == 0, report[:20000] + result.stderr[-2000:]
    assert "generated" in result.stdout and "passed" in result.stdout
