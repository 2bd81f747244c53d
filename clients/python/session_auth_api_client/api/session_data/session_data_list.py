from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.data_output import DataOutput
from ...models.error import Error
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/session/data",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DataOutput | Error | None:
    if response.status_code == 200:
        response_200 = DataOutput.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DataOutput | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[DataOutput | Error]:
    """List the session's data

     Works without logging in. Reading never creates a session. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataOutput | Error]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> DataOutput | Error | None:
    """List the session's data

     Works without logging in. Reading never creates a session. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataOutput | Error
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[DataOutput | Error]:
    """List the session's data

     Works without logging in. Reading never creates a session. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DataOutput | Error]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> DataOutput | Error | None:
    """List the session's data

     Works without logging in. Reading never creates a session. Keys match
    `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) and the
    test-cookie marker `testcookie` are never readable, listable, writable or deletable here.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DataOutput | Error
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
