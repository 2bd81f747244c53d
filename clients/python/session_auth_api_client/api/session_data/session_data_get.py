from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.data_item import DataItem
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    key: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/session/data/{key}".format(
            key=quote(str(key), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DataItem | Error | None:
    if response.status_code == 200:
        response_200 = DataItem.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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
) -> Response[DataItem | Error]:
    """Read one data key

     Keys match `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with
    `_`) and the test-cookie marker `testcookie` are never readable, listable, writable or deletable
    here.

    Args:
        key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataItem | Error]
    """

    kwargs = _get_kwargs(
        key=key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key: str,
    *,
    client: AuthenticatedClient,
) -> DataItem | Error | None:
    """Read one data key

     Keys match `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with
    `_`) and the test-cookie marker `testcookie` are never readable, listable, writable or deletable
    here.

    Args:
        key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataItem | Error
    """

    return sync_detailed(
        key=key,
        client=client,
    ).parsed


async def asyncio_detailed(
    key: str,
    *,
    client: AuthenticatedClient,
) -> Response[DataItem | Error]:
    """Read one data key

     Keys match `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with
    `_`) and the test-cookie marker `testcookie` are never readable, listable, writable or deletable
    here.

    Args:
        key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataItem | Error]
    """

    kwargs = _get_kwargs(
        key=key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key: str,
    *,
    client: AuthenticatedClient,
) -> DataItem | Error | None:
    """Read one data key

     Keys match `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with
    `_`) and the test-cookie marker `testcookie` are never readable, listable, writable or deletable
    here.

    Args:
        key (str):

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
        )
    ).parsed
