from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.staff_session_list import StaffSessionList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    cursor: str | Unset = UNSET,
    user: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["user"] = user

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/admin/sessions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | StaffSessionList | None:
    if response.status_code == 200:
        response_200 = StaffSessionList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | StaffSessionList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    user: int | Unset = UNSET,
) -> Response[Error | StaffSessionList]:
    """List all sessions (staff)

     Every live signed-in session, newest first, 50 a page; `?user=` narrows to one user, `?cursor=`
    takes the `next` of the previous page.

    Args:
        cursor (str | Unset):
        user (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StaffSessionList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        user=user,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    user: int | Unset = UNSET,
) -> Error | StaffSessionList | None:
    """List all sessions (staff)

     Every live signed-in session, newest first, 50 a page; `?user=` narrows to one user, `?cursor=`
    takes the `next` of the previous page.

    Args:
        cursor (str | Unset):
        user (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StaffSessionList
    """

    return sync_detailed(
        client=client,
        cursor=cursor,
        user=user,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    user: int | Unset = UNSET,
) -> Response[Error | StaffSessionList]:
    """List all sessions (staff)

     Every live signed-in session, newest first, 50 a page; `?user=` narrows to one user, `?cursor=`
    takes the `next` of the previous page.

    Args:
        cursor (str | Unset):
        user (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StaffSessionList]
    """

    kwargs = _get_kwargs(
        cursor=cursor,
        user=user,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    user: int | Unset = UNSET,
) -> Error | StaffSessionList | None:
    """List all sessions (staff)

     Every live signed-in session, newest first, 50 a page; `?user=` narrows to one user, `?cursor=`
    takes the `next` of the previous page.

    Args:
        cursor (str | Unset):
        user (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StaffSessionList
    """

    return (
        await asyncio_detailed(
            client=client,
            cursor=cursor,
            user=user,
        )
    ).parsed
