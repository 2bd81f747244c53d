"""The compose files agree with the settings: no Docker needed (CI has none), only their text.

Each API service's environment names only documented settings with values the settings accept, and
in compose.ha.yaml every host a setting names is a service that is what the setting says it is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from api_project import redis_topology
from tests.test_readme import DOCS, _table_variables

ROOT = Path(__file__).resolve().parents[1]
API_SERVICES = ("api-1", "api-2", "migrate")


def services(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text())["services"]


def database_url(environment: dict[str, str]) -> Any:
    """Return the parts of DATABASE_URL with compose's ${...} placeholders filled in."""
    return urlsplit(re.sub(r"\$\{[^}]*\}", "x", environment["DATABASE_URL"]))


@pytest.mark.parametrize("name", ["compose.yaml", "compose.ha.yaml"])
def test_the_api_services_set_only_documented_settings(name):
    documented = _table_variables(DOCS / "configuration.md")
    for service in API_SERVICES:
        environment = services(name)[service]["environment"]
        assert set(environment) - documented == set(), (service, set(environment) - documented)


@pytest.mark.parametrize("name", ["compose.yaml", "compose.ha.yaml"])
def test_nginx_sends_to_api_services_of_the_file(name):
    upstreams = re.findall(r"^\s*server ([\w-]+):8000", (ROOT / "deploy" / "nginx.conf").read_text(), re.M)
    assert upstreams and set(upstreams) <= set(services(name)), upstreams


def test_ha_redis_is_a_primary_a_replica_and_three_sentinels_that_the_api_follows():
    found = services("compose.ha.yaml")
    environment = found["api-1"]["environment"]
    assert environment == found["api-2"]["environment"]
    sentinels = environment["REDIS_SENTINELS"].split(",")
    master = environment["REDIS_SENTINEL_MASTER"]
    # What settings.py does with them: no TopologyError.
    redis_topology.location_and_options(url="", cluster=False, sentinels=sentinels, master=master)
    assert len(sentinels) == 3
    for host, port in redis_topology.parse_sentinels(sentinels):
        script = found[host]["command"][-1]
        assert port == 26379 and f"port {port}" in script and "--sentinel" in script
        assert f"sentinel monitor {master} redis-primary 6379 2" in script
    assert found["redis-replica"]["command"][1:4] == ["--replicaof", "redis-primary", "6379"]
    # One replica to wait for, and no more than there are.
    assert environment["REDIS_MIN_REPLICAS"] == "1"


def test_ha_postgres_is_reached_through_pgbouncer_in_transaction_mode():
    found = services("compose.ha.yaml")
    environment = found["api-1"]["environment"]
    url = urlsplit(
        environment["DATABASE_URL"].replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "x")
    )
    assert (url.hostname, url.port) == ("pgbouncer", 6432)
    assert environment["DATABASE_TRANSACTION_POOLING"] == "1"
    config = (ROOT / "deploy" / "ha" / "pgbouncer.ini").read_text()
    assert re.search(r"^pool_mode = transaction$", config, re.M)
    assert re.search(r"^listen_port = 6432$", config, re.M)
    assert re.search(rf"^{url.path.strip('/')} = host=postgres port=5432 ", config, re.M)
    # The role carries the statement timeout the service cannot send through PgBouncer, no longer
    # than the service allows.
    role = (ROOT / "deploy" / "ha" / "postgres-init.sql").read_text()
    timeout = re.search(r"ALTER ROLE sessauth SET statement_timeout = (\d+);", role)
    assert timeout and int(timeout[1]) <= int(environment["DATABASE_STATEMENT_TIMEOUT_MS"])
    # Migrations go straight to PostgreSQL.
    assert database_url(found["migrate"]["environment"]).hostname == "postgres"
