from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.reauthenticate_input_request import ReauthenticateInputRequest
from ...models.session_output import SessionOutput
from ...types import Response


def _get_kwargs(
    *,
    body: ReauthenticateInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/reauthenticate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SessionOutput | None:
    if response.status_code == 200:
        response_200 = SessionOutput.from_dict(response.json())

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
) -> Response[Error | SessionOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ReauthenticateInputRequest,
) -> Response[Error | SessionOutput]:
    """Prove the password again (step-up)

     Revoking sessions needs a recent password proof: until the session's `privileged_until` (its last
    proof + `REAUTH_MAX_AGE`). This gives a fresh one. Like login, the session gets a new key (a new
    cookie, or the new token in the `X-Session-Token` response header) and, on the cookie transport, a
    new CSRF token; every earlier cookie or token of it stops working. Its data, id and `created_at`
    stay. A wrong password is 401 `invalid_credentials` and the session goes on; wrong passwords count
    against the same per-username and per-address limits as failed logins: past them 429 `throttled`
    with `Retry-After`.

    Args:
        body (ReauthenticateInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionOutput]
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
    body: ReauthenticateInputRequest,
) -> Error | SessionOutput | None:
    """Prove the password again (step-up)

     Revoking sessions needs a recent password proof: until the session's `privileged_until` (its last
    proof + `REAUTH_MAX_AGE`). This gives a fresh one. Like login, the session gets a new key (a new
    cookie, or the new token in the `X-Session-Token` response header) and, on the cookie transport, a
    new CSRF token; every earlier cookie or token of it stops working. Its data, id and `created_at`
    stay. A wrong password is 401 `invalid_credentials` and the session goes on; wrong passwords count
    against the same per-username and per-address limits as failed logins: past them 429 `throttled`
    with `Retry-After`.

    Args:
        body (ReauthenticateInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionOutput
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ReauthenticateInputRequest,
) -> Response[Error | SessionOutput]:
    """Prove the password again (step-up)

     Revoking sessions needs a recent password proof: until the session's `privileged_until` (its last
    proof + `REAUTH_MAX_AGE`). This gives a fresh one. Like login, the session gets a new key (a new
    cookie, or the new token in the `X-Session-Token` response header) and, on the cookie transport, a
    new CSRF token; every earlier cookie or token of it stops working. Its data, id and `created_at`
    stay. A wrong password is 401 `invalid_credentials` and the session goes on; wrong passwords count
    against the same per-username and per-address limits as failed logins: past them 429 `throttled`
    with `Retry-After`.

    Args:
        body (ReauthenticateInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ReauthenticateInputRequest,
) -> Error | SessionOutput | None:
    """Prove the password again (step-up)

     Revoking sessions needs a recent password proof: until the session's `privileged_until` (its last
    proof + `REAUTH_MAX_AGE`). This gives a fresh one. Like login, the session gets a new key (a new
    cookie, or the new token in the `X-Session-Token` response header) and, on the cookie transport, a
    new CSRF token; every earlier cookie or token of it stops working. Its data, id and `created_at`
    stay. A wrong password is 401 `invalid_credentials` and the session goes on; wrong passwords count
    against the same per-username and per-address limits as failed logins: past them 429 `throttled`
    with `Retry-After`.

    Args:
        body (ReauthenticateInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
