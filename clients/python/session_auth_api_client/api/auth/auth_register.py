from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.register_input_request import RegisterInputRequest
from ...models.register_output import RegisterOutput
from ...types import Response


def _get_kwargs(
    *,
    body: RegisterInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/register",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | RegisterOutput | None:
    if response.status_code == 201:
        response_201 = RegisterOutput.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

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
) -> Response[Error | RegisterOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RegisterInputRequest,
) -> Response[Error | RegisterOutput]:
    """Register

     Creates a user; it is not logged in. A username that is taken is 400 with `fields.username`
    (registration cannot hide which names exist; the throttle bounds how fast anyone can ask). Usernames
    are folded with Unicode NFKC before the check, so a full-width `alice` is taken when `alice` is.
    Attempts are throttled per client address (`REGISTRATIONS_PER_ADDRESS` per `REGISTRATION_WINDOW`
    seconds, default 20 per hour): past it 429 `throttled` with `Retry-After`. 403 `permission_denied`
    when registration is switched off (`REGISTRATION_OPEN=0`).

    Args:
        body (RegisterInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RegisterOutput]
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
    body: RegisterInputRequest,
) -> Error | RegisterOutput | None:
    """Register

     Creates a user; it is not logged in. A username that is taken is 400 with `fields.username`
    (registration cannot hide which names exist; the throttle bounds how fast anyone can ask). Usernames
    are folded with Unicode NFKC before the check, so a full-width `alice` is taken when `alice` is.
    Attempts are throttled per client address (`REGISTRATIONS_PER_ADDRESS` per `REGISTRATION_WINDOW`
    seconds, default 20 per hour): past it 429 `throttled` with `Retry-After`. 403 `permission_denied`
    when registration is switched off (`REGISTRATION_OPEN=0`).

    Args:
        body (RegisterInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RegisterOutput
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RegisterInputRequest,
) -> Response[Error | RegisterOutput]:
    """Register

     Creates a user; it is not logged in. A username that is taken is 400 with `fields.username`
    (registration cannot hide which names exist; the throttle bounds how fast anyone can ask). Usernames
    are folded with Unicode NFKC before the check, so a full-width `alice` is taken when `alice` is.
    Attempts are throttled per client address (`REGISTRATIONS_PER_ADDRESS` per `REGISTRATION_WINDOW`
    seconds, default 20 per hour): past it 429 `throttled` with `Retry-After`. 403 `permission_denied`
    when registration is switched off (`REGISTRATION_OPEN=0`).

    Args:
        body (RegisterInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RegisterOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RegisterInputRequest,
) -> Error | RegisterOutput | None:
    """Register

     Creates a user; it is not logged in. A username that is taken is 400 with `fields.username`
    (registration cannot hide which names exist; the throttle bounds how fast anyone can ask). Usernames
    are folded with Unicode NFKC before the check, so a full-width `alice` is taken when `alice` is.
    Attempts are throttled per client address (`REGISTRATIONS_PER_ADDRESS` per `REGISTRATION_WINDOW`
    seconds, default 20 per hour): past it 429 `throttled` with `Retry-After`. 403 `permission_denied`
    when registration is switched off (`REGISTRATION_OPEN=0`).

    Args:
        body (RegisterInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RegisterOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
