"""Every error, Django's own included, comes in the contract's shape."""

from __future__ import annotations

import httpx
import pytest


def api(server, path: str) -> str:
    return server.url + "/api/v1" + path


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_malformed_json_is_400(sqlite_server):
    response = httpx.post(
        api(sqlite_server, "/auth/login"),
        content=b'{"username": ',
        headers={"Content-Type": "application/json", "X-Session-Token": ""},
    )
    assert_error(response, 400, "invalid")


def test_form_encoded_body_is_415(sqlite_server):
    response = httpx.post(
        api(sqlite_server, "/auth/login"), data={"username": "a"}, headers={"X-Session-Token": ""}
    )
    assert_error(response, 415, "unsupported_media_type")


def test_wrong_method_is_405(sqlite_server):
    assert_error(httpx.patch(api(sqlite_server, "/auth/login")), 405, "method_not_allowed")


def test_unknown_path_under_api_is_404(sqlite_server):
    assert_error(httpx.get(api(sqlite_server, "/no/such/thing")), 404, "not_found")
    assert_error(httpx.get(sqlite_server.url + "/api/v2/auth/session"), 404, "not_found")


def test_body_over_the_upload_limit_is_413(sqlite_server):
    body = b'{"value": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = httpx.put(
        api(sqlite_server, "/session/data/k"),
        content=body,
        headers={"Content-Type": "application/json", "X-Session-Token": ""},
    )
    assert_error(response, 413, "too_large")


def test_json_that_is_not_an_object_is_400(sqlite_server):
    response = httpx.post(api(sqlite_server, "/auth/login"), json=[1, 2], headers={"X-Session-Token": ""})
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_standard_json_numbers_are_400(sqlite_server, constant):
    response = httpx.put(
        api(sqlite_server, "/session/data/k"),
        content=b'{"value": ' + constant + b"}",
        headers={"Content-Type": "application/json", "X-Session-Token": ""},
    )
    assert_error(response, 400, "invalid")


def test_csrf_failure_is_403_csrf_failed(sqlite_server):
    body = assert_error(
        httpx.put(api(sqlite_server, "/session/data/k"), json={"value": 1}), 403, "csrf_failed"
    )
    assert "CSRF" in body["detail"]


def test_disallowed_host_is_400_in_the_error_shape(sqlite_server):
    response = httpx.get(api(sqlite_server, "/auth/session"), headers={"Host": "evil.example"})
    assert_error(response, 400, "invalid")
