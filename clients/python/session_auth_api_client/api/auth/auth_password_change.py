from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.password_change_input_request import PasswordChangeInputRequest
from ...types import Response


def _get_kwargs(
    *,
    body: PasswordChangeInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/password",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PasswordChangeInputRequest,
) -> Response[Any | Error]:
    """Change the password

     Every other session of the user ends at once; this one goes on under a new key (on the header
    transport the new token comes in the `X-Session-Token` response header), and every token of it from
    before stops working. A wrong `current_password` is 400 and counts against the same per-username and
    per-address limits as a failed login: past them 429 `throttled` with `Retry-After`, before the
    password is checked.

    Args:
        body (PasswordChangeInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PasswordChangeInputRequest,
) -> Any | Error | None:
    """Change the password

     Every other session of the user ends at once; this one goes on under a new key (on the header
    transport the new token comes in the `X-Session-Token` response header), and every token of it from
    before stops working. A wrong `current_password` is 400 and counts against the same per-username and
    per-address limits as a failed login: past them 429 `throttled` with `Retry-After`, before the
    password is checked.

    Args:
        body (PasswordChangeInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PasswordChangeInputRequest,
) -> Response[Any | Error]:
    """Change the password

     Every other session of the user ends at once; this one goes on under a new key (on the header
    transport the new token comes in the `X-Session-Token` response header), and every token of it from
    before stops working. A wrong `current_password` is 400 and counts against the same per-username and
    per-address limits as a failed login: past them 429 `throttled` with `Retry-After`, before the
    password is checked.

    Args:
        body (PasswordChangeInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PasswordChangeInputRequest,
) -> Any | Error | None:
    """Change the password

     Every other session of the user ends at once; this one goes on under a new key (on the header
    transport the new token comes in the `X-Session-Token` response header), and every token of it from
    before stops working. A wrong `current_password` is 400 and counts against the same per-username and
    per-address limits as a failed login: past them 429 `throttled` with `Retry-After`, before the
    password is checked.

    Args:
        body (PasswordChangeInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
