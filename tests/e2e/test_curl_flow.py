"""scripts/curl_flow.sh walks every endpoint of the contract, on both transports, against a live service."""

from __future__ import annotations

import pytest

from tests.e2e.curl import BASICS, missing_operations, run_curl_flow, sections
from tests.support.clients import PASSWORD, new_username
from tests.support.server import LiveServer, manage


def create_staff(server: LiveServer) -> tuple[str, str]:
    """Create a staff user the way an operator would (createsuperuser) and return its credentials."""
    username = new_username("staff")
    env = {**server.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    manage(env, "createsuperuser", "--noinput", "--username", username, "--email", f"{username}@example.test")
    return username, PASSWORD


def passing_flow(server: LiveServer) -> dict[str, list]:
    """Run the whole flow with a staff user, check it passed, and return its steps by section."""
    result = run_curl_flow(server.url, staff=create_staff(server))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "staff endpoints skipped" not in result.stdout
    return sections(result.stdout)


@pytest.fixture(scope="module")
def flow(sqlite_server: LiveServer) -> dict[str, list]:
    return passing_flow(sqlite_server)


@pytest.mark.parametrize("transport", ["cookie", "header"])
def test_each_transport_starts_with_csrf_login_session_logout_session(flow, transport):
    first = [(s.status, s.method, s.path) for s in flow[transport][:5]]
    assert first == BASICS


@pytest.mark.parametrize("transport", ["cookie", "header"])
def test_the_flow_calls_every_endpoint_of_the_contract_on_each_transport(flow, transport):
    assert missing_operations(flow[transport]) == []


def test_the_flow_checks_health_and_the_documentation(flow):
    assert missing_operations(flow["operations"], tag="operations") == []
    assert {s.path for s in flow["operations"]} >= {"/api/schema/", "/api/docs/", "/api/redoc/"}


def test_the_flow_passes_on_the_cache_engine_with_redis(server_pool):
    steps = passing_flow(server_pool.get("cache"))
    assert missing_operations(steps["cookie"]) == missing_operations(steps["header"]) == []


def test_a_wrong_status_stops_the_flow_with_the_step_name(sqlite_server):
    result = run_curl_flow(sqlite_server.url + "/not-the-api")
    assert result.returncode == 1
    assert "FAIL  register the cookie transport's user: POST /auth/register answered 404, expected 201" in (
        result.stderr
    )
