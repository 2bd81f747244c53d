"""The Redis topology is chosen by settings alone; contradictory settings stop start-up with one line."""

from __future__ import annotations

import subprocess

import pytest

from api_project.redis_topology import PrimarySSLConnection, location_and_options, sentinel_location
from tests.support.server import manage, service_env


def check(**env: str) -> subprocess.CompletedProcess[str]:
    return manage(service_env({"DATABASE_URL": "sqlite://:memory:", **env}), "check", check=False)


REFUSED = {
    "both": ({"REDIS_CLUSTER": "1", "REDIS_URL": "redis://n:6379", "REDIS_SENTINELS": "s:26379"}, "not both"),
    "cluster-without-url": ({"REDIS_CLUSTER": "1"}, "REDIS_URL"),
    "cluster-database": ({"REDIS_CLUSTER": "1", "REDIS_URL": "redis://n:6379/3"}, "database 0"),
    "sentinels-without-master": ({"REDIS_SENTINELS": "s:26379"}, "REDIS_SENTINEL_MASTER"),
    "master-without-sentinels": (
        {"REDIS_SENTINEL_MASTER": "m", "REDIS_URL": "redis://n:6379"},
        "REDIS_SENTINELS",
    ),
    "sentinel-not-host-port": ({"REDIS_SENTINELS": "s", "REDIS_SENTINEL_MASTER": "m"}, "host:port"),
    "brace-in-prefix": ({"REDIS_URL": "redis://n:6379", "CACHE_KEY_PREFIX": "a{b}"}, "CACHE_KEY_PREFIX"),
    "negative-min-replicas": (
        {"REDIS_URL": "redis://n:6379", "REDIS_MIN_REPLICAS": "-1"},
        "REDIS_MIN_REPLICAS",
    ),
}


@pytest.mark.parametrize(("env", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_contradictory_redis_settings_stop_start_up_with_one_line(env, says):
    result = check(**env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Configuration error:") and says in lines[0], result.stderr


def test_sentinel_keeps_only_the_credentials_and_database_of_redis_url():
    assert sentinel_location("rediss://app:secret@ignored:6380/2", "main") == "rediss://app:secret@main/2"
    assert sentinel_location("", "main") == "redis://main/0"


def test_each_topology_picks_its_client():
    location, one = location_and_options(url="rediss://n:6379/0", cluster=False, sentinels=[], master="")
    assert location == "rediss://n:6379/0"
    assert one["CONNECTION_POOL_KWARGS"]["connection_class"] is PrimarySSLConnection
    _, cluster = location_and_options(url="redis://n:7000", cluster=True, sentinels=[], master="")
    assert cluster["CONNECTION_FACTORY"] == "api_project.redis_clients.ClusterConnectionFactory"
    location, sentinel = location_and_options(url="", cluster=False, sentinels=["a:1", "[::1]:2"], master="m")
    assert location == "redis://m/0"
    assert sentinel["SENTINELS"] == [("a", 1), ("::1", 2)]
