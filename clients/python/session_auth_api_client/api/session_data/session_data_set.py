from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.data_item import DataItem
from ...models.data_value_input_request import DataValueInputRequest
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    key: str,
    *,
    body: DataValueInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/session/data/{key}".format(
            key=quote(str(key), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DataItem | Error | None:
    if response.status_code == 200:
        response_200 = DataItem.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = DataItem.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DataItem | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DataValueInputRequest,
) -> Response[DataItem | Error]:
    """Set one data key

     201 when the key is new, 200 when replaced. The first write creates the session. Limits (settings):
    one value at most 16 KiB as compact UTF-8 JSON, the session's data at most 64 KiB and 256 keys
    (signed_cookies: 2 KiB and 32 keys, so the cookie stays under 4 KB); past one, 413 `too_large` and
    the session is unchanged. Concurrent writes to different keys lose nothing on db, cache, cached_db
    and file; on signed_cookies the client holds the data, so the last write wins. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Args:
        key (str):
        body (DataValueInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataItem | Error]
    """

    kwargs = _get_kwargs(
        key=key,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DataValueInputRequest,
) -> DataItem | Error | None:
    """Set one data key

     201 when the key is new, 200 when replaced. The first write creates the session. Limits (settings):
    one value at most 16 KiB as compact UTF-8 JSON, the session's data at most 64 KiB and 256 keys
    (signed_cookies: 2 KiB and 32 keys, so the cookie stays under 4 KB); past one, 413 `too_large` and
    the session is unchanged. Concurrent writes to different keys lose nothing on db, cache, cached_db
    and file; on signed_cookies the client holds the data, so the last write wins. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Args:
        key (str):
        body (DataValueInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataItem | Error
    """

    return sync_detailed(
        key=key,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DataValueInputRequest,
) -> Response[DataItem | Error]:
    """Set one data key

     201 when the key is new, 200 when replaced. The first write creates the session. Limits (settings):
    one value at most 16 KiB as compact UTF-8 JSON, the session's data at most 64 KiB and 256 keys
    (signed_cookies: 2 KiB and 32 keys, so the cookie stays under 4 KB); past one, 413 `too_large` and
    the session is unchanged. Concurrent writes to different keys lose nothing on db, cache, cached_db
    and file; on signed_cookies the client holds the data, so the last write wins. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Args:
        key (str):
        body (DataValueInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataItem | Error]
    """

    kwargs = _get_kwargs(
        key=key,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    *,
    client: AuthenticatedClient,
    body: DataValueInputRequest,
) -> DataItem | Error | None:
    """Set one data key

     201 when the key is new, 200 when replaced. The first write creates the session. Limits (settings):
    one value at most 16 KiB as compact UTF-8 JSON, the session's data at most 64 KiB and 256 keys
    (signed_cookies: 2 KiB and 32 keys, so the cookie stays under 4 KB); past one, 413 `too_large` and
    the session is unchanged. Concurrent writes to different keys lose nothing on db, cache, cached_db
    and file; on signed_cookies the client holds the data, so the last write wins. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Args:
        key (str):
        body (DataValueInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataItem | Error
    """

    return (
        await asyncio_detailed(
            key=key,
            client=client,
            body=body,
        )
    ).parsed
