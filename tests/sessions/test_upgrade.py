"""The migration that copies the ``db`` engines' sessions to a table of ours signs no one out, either way.

Rows copied from Django's table lack the registry entry id that the auth check joins on: they are
checked the way every session was before, and get the id on their next write.
"""

from __future__ import annotations

import json
import secrets

import pytest

from tests.conftest import make_client
from tests.support.clients import new_username, register
from tests.support.server import LiveServer, service_env
from tests.support.services import require_postgres, unique_name


def entry_ids(server: LiveServer) -> list[str]:
    return json.loads(
        server.shell(
            "import json; from sessions_api.models import Session;"
            "print(json.dumps(list(Session.objects.values_list('entry_id', flat=True))))"
        )
    )


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_sessions_survive_the_migration_back_and_forth(databases, server_pool, database, transport):
    if database == "postgres":
        require_postgres()
    url = databases.postgres_url() if database == "postgres" else databases.sqlite_url()
    env = service_env({"SESSION_ENGINE": "db", "DATABASE_URL": url})
    with LiveServer(env, server_pool.workdir / f"{unique_name('upgrade')}.log") as server:
        name = new_username()
        register(server.url, name)
        client = make_client(server, transport)
        client.login(name)
        session_id = client.get("/auth/session").json()["session"]["id"]
        assert entry_ids(server) == [session_id]

        server.manage("migrate", "sessions_api", "0002", "-v0")  # back to Django's table
        server.manage("migrate", "-v0")  # and forward again: the row comes back without its entry id
        assert entry_ids(server) == [""]

        who = client.get("/auth/session")
        assert who.status_code == 200, who.text
        assert who.json()["session"]["id"] == session_id
        assert client.put("/session/data/colour", json={"value": "teal"}).status_code == 201
        assert entry_ids(server) == [session_id]

        other = make_client(server, transport)
        other.login(name)
        assert other.delete(f"/sessions/{session_id}").status_code == 204
        assert client.get("/auth/session").status_code == 401


def test_clearsessions_prunes_what_the_migration_left_in_djangos_table(sqlite_server):
    expired, live = secrets.token_hex(16), secrets.token_hex(16)
    sqlite_server.shell(
        "from datetime import timedelta; from django.utils import timezone;"
        "from django.contrib.sessions.models import Session;"
        f"Session.objects.create(session_key={expired!r}, session_data='',"
        " expire_date=timezone.now() - timedelta(seconds=1));"
        f"Session.objects.create(session_key={live!r}, session_data='',"
        " expire_date=timezone.now() + timedelta(days=1))"
    )
    sqlite_server.manage("clearsessions")
    left = sqlite_server.shell(
        "from django.contrib.sessions.models import Session;"
        "print(' '.join(Session.objects.values_list('session_key', flat=True)))"
    ).split()
    assert expired not in left
    assert live in left
