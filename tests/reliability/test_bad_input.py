"""Bad input at scale on the session data endpoints: never a 5xx, always the contract's answer.

Hypothesis draws the values and keys; a live server answers. Any JSON value either round-trips exactly
(PUT answers it back, GET reads it back) or is refused with a 4xx in the error shape; any key string is
either accepted or refused with 400 on PUT, and is never a 500 on GET or DELETE.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ServerPool
from tests.support.clients import HeaderClient
from tests.support.server import LiveServer

KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
RESERVED = {"testcookie"}
EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same cases on every run: CI failures reproduce locally
)

# Text of every kind, lone surrogates (which JSON can carry as \ud800 escapes) made common.
# (st.text() never draws a surrogate, whatever its alphabet; a list of characters does.)
surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
any_text = st.lists(st.characters(exclude_categories=()) | surrogates, max_size=40).map("".join)
# Keys: any text a URL can carry, with the characters that mean something to a URL or Django made common.
key_text = st.lists(
    st.sampled_from("/.%?#&;=+ \n\x00\\_-:~") | st.characters(codec="utf-8"), min_size=1, max_size=60
).map("".join)
numbers = (
    st.integers()
    | st.integers(min_value=-(10**4000), max_value=10**4000)  # Python prints at most 4300 digits
    | st.floats(allow_nan=False, allow_infinity=False)
)
scalars = st.none() | st.booleans() | numbers | any_text
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(any_text, children, max_size=6),
    max_leaves=30,
)


@pytest.fixture(scope="module", params=["cached_db", "signed_cookies"])
def data_server(request: pytest.FixtureRequest, server_pool: ServerPool) -> Iterator[LiveServer]:
    yield server_pool.get(request.param)
    server_pool.release(request.param)  # its idle connections count against PostgreSQL's limit


def put_raw(client: HeaderClient, key: str, body: bytes) -> httpx.Response:
    return client.put(
        f"/session/data/{path_segment(key)}", content=body, headers={"Content-Type": "application/json"}
    )


def path_segment(key: str) -> str:
    """Percent-encode a key as one path segment, dots included (so '..' is not a dot segment)."""
    return quote(key, safe="").replace(".", "%2E")


def assert_refused(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body["code"], str) and isinstance(body["detail"], str)


def check_round_trip(client: HeaderClient, value: Any) -> None:
    # ensure_ascii escapes lone surrogates, so every drawn value has a JSON text.
    response = put_raw(client, "v", json.dumps({"value": value}).encode())
    if response.status_code >= 400:
        assert_refused(response, 400, 413)
        return
    assert response.status_code in (200, 201), response.text[:300]
    assert response.json() == {"key": "v", "value": value}
    read = client.get("/session/data/v")
    assert read.status_code == 200 and read.json() == {"key": "v", "value": value}


def test_any_json_value_round_trips_or_is_refused_with_a_4xx(data_server):
    client = HeaderClient(data_server.url)

    @EXAMPLES
    @given(value=json_values)
    def check(value: Any) -> None:
        check_round_trip(client, value)

    check()


def test_nested_values_round_trip_or_are_refused_with_400(data_server):
    client = HeaderClient(data_server.url)

    @settings(EXAMPLES, max_examples=30)
    @given(depth=st.integers(min_value=1, max_value=5000), inner=st.sampled_from(["[]", "{}", "1", '"x"']))
    def check(depth: int, inner: str) -> None:
        text = "[" * depth + inner + "]" * depth
        response = put_raw(client, "v", b'{"value": ' + text.encode() + b"}")
        if response.status_code >= 400:
            assert_refused(response, 400, 413)
            return
        assert response.status_code in (200, 201)
        assert client.get("/session/data/v").json()["value"] == json.loads(text)

    check()


@pytest.mark.parametrize(
    "body",
    [
        b'{"value": 1e400}',  # overflows to infinity, which JSON cannot carry back
        b'{"value": -1e400}',
        b'{"value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # deeper than any parser's stack
        b'{"value": "\\ud800"}',  # a lone surrogate: valid JSON text, not valid Unicode
        b'{"value": {"\\udfff": 1}}',
        b'{"value": 1' + b"0" * 5000 + b"}",  # more digits than Python converts
    ],
    ids=["overflow", "negative-overflow", "deep", "surrogate", "surrogate-key", "long-integer"],
)
def test_json_the_service_cannot_carry_back_is_400(data_server, body):
    assert_refused(put_raw(HeaderClient(data_server.url), "v", body), 400)


def key_accepted(key: str) -> bool:
    return KEY_RE.fullmatch(key) is not None and key not in RESERVED


def test_any_key_is_accepted_or_refused_with_400_and_never_a_5xx(data_server):
    client = HeaderClient(data_server.url)

    @EXAMPLES
    @given(key=st.from_regex(KEY_RE, fullmatch=True) | key_text)
    def check(key: str) -> None:
        response = put_raw(client, key, b'{"value": 1}')
        if not key_accepted(key):
            assert_refused(response, 400)
            assert response.json()["fields"]["key"]
            assert_refused(client.get(f"/session/data/{path_segment(key)}"), 404)
            assert_refused(client.delete(f"/session/data/{path_segment(key)}"), 404)
            return
        assert response.status_code in (200, 201), response.text[:300]
        assert client.get(f"/session/data/{path_segment(key)}").json() == {"key": key, "value": 1}
        assert client.delete(f"/session/data/{path_segment(key)}").status_code == 204

    check()


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/auth/register", {"username": "typed", "password": 1.2345678901e20}, "password"),
        ("POST", "/auth/login", {"username": 5, "password": "whatever"}, "username"),
        ("PUT", "/session/expiry", {"seconds": "3600"}, "seconds"),
        ("PUT", "/session/expiry", {"seconds": 3600.0}, "seconds"),
        ("PUT", "/session/expiry", {"browser_close": "true"}, "browser_close"),
    ],
    ids=[
        "number-as-password",
        "number-as-username",
        "string-as-integer",
        "float-as-integer",
        "string-as-bool",
    ],
)
def test_a_value_of_another_json_type_is_refused_not_coerced(sqlite_server, method, path, body, field):
    response = HeaderClient(sqlite_server.url).request(method, path, json=body)
    assert_refused(response, 400)
    assert list(response.json()["fields"]) == [field]
