"""Instructions per ``GET /api/v1/sessions`` of a user with 100 sessions, counted by callgrind.

Timings on a shared 2-core machine move by 10%; instruction counts repeat to 0.01%, so this is how a
change to the list's hot path is judged (a list of 100 sessions must cost no more than 10% over the code
before it). The sessions come from five User-Agents, as a real user's phone, laptops and apps would.

    .venv/bin/python benchmarks/list_cost.py            # runs itself under callgrind: 0 and N requests
    .venv/bin/python benchmarks/list_cost.py --requests 20 --inside   # one run, no callgrind

Each run uses a fresh PostgreSQL database (BENCH_PG_BASE, as ``make bench``) and the ``db`` engine, in
process (Django's test client), so the count is the service's own work, without an HTTP server.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSWORD, PG_BASE, ROOT, USER_AGENTS, pg_admin

SESSIONS = 100


def run_inside(requests: int) -> None:
    """Log in 100 times (five User-Agents), then list the sessions ``requests`` times after a warm-up."""
    database = f"sessauth_list_cost_{os.getpid()}"  # several runs may share the server
    pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{database}"')
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "list-cost-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"{PG_BASE}/{database}",
            "SESSION_ENGINE": "db",
            "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
            "AUDIT_LOG_LEVEL": "WARNING",
            "LOGIN_FAILURES_PER_ADDRESS": "100000",
            "DJANGO_SETTINGS_MODULE": "api_project.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("lister", password=PASSWORD)
    body = {"username": "lister", "password": PASSWORD, "transport": "header"}
    token = ""
    for n in range(SESSIONS):
        response = Client().post(
            "/api/v1/auth/login",
            body,
            content_type="application/json",
            HTTP_X_SESSION_TOKEN="",
            HTTP_USER_AGENT=USER_AGENTS[n % len(USER_AGENTS)],
        )
        if response.status_code != 200:
            raise SystemExit(f"login: {response.status_code} {response.content!r}")
        token = response.json()["session_token"]
    client = Client(HTTP_X_SESSION_TOKEN=token, HTTP_USER_AGENT=USER_AGENTS[0])
    for _ in range(5 + requests):  # five to warm up (first imports, parser tables, caches)
        response = client.get("/api/v1/sessions")
        if response.status_code != 200 or len(response.json()["sessions"]) != SESSIONS:
            raise SystemExit(f"list: {response.status_code} {response.content[:200]!r}")
    from django.db import connections

    connections.close_all()
    pg_admin(f'DROP DATABASE "{database}" WITH (FORCE)')


def instructions(requests: int) -> int:
    """Return the instructions callgrind counts for one inside run of ``requests`` lists."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--inside", "--requests", str(requests)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20, help="lists counted (after the warm-up)")
    parser.add_argument("--inside", action="store_true", help="one run, not under callgrind")
    args = parser.parse_args()
    if args.inside:
        run_inside(args.requests)
        return
    base, loaded = instructions(0), instructions(args.requests)
    per_request = (loaded - base) / args.requests
    print(f"GET /sessions with {SESSIONS} sessions: {per_request / 1e6:.2f} million instructions a request")


if __name__ == "__main__":
    main()
