from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.login_input_request import LoginInputRequest
from ...models.login_output import LoginOutput
from ...types import Response


def _get_kwargs(
    *,
    body: LoginInputRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/login",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | LoginOutput | None:
    if response.status_code == 200:
        response_200 = LoginOutput.from_dict(response.json())

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
) -> Response[Error | LoginOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: LoginInputRequest,
) -> Response[Error | LoginOutput]:
    """Log in

     Checks the password and signs the session in under a new key, keeping the anonymous session's data.
    `transport: cookie` (default) sets the session cookie and needs `X-CSRFToken`; `transport: header`
    returns `session_token`, sets no cookie and needs no CSRF token. Failed logins are throttled per
    username and per client address; unknown user, wrong password and inactive user get the same 401.

    Args:
        body (LoginInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LoginOutput]
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
    body: LoginInputRequest,
) -> Error | LoginOutput | None:
    """Log in

     Checks the password and signs the session in under a new key, keeping the anonymous session's data.
    `transport: cookie` (default) sets the session cookie and needs `X-CSRFToken`; `transport: header`
    returns `session_token`, sets no cookie and needs no CSRF token. Failed logins are throttled per
    username and per client address; unknown user, wrong password and inactive user get the same 401.

    Args:
        body (LoginInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LoginOutput
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: LoginInputRequest,
) -> Response[Error | LoginOutput]:
    """Log in

     Checks the password and signs the session in under a new key, keeping the anonymous session's data.
    `transport: cookie` (default) sets the session cookie and needs `X-CSRFToken`; `transport: header`
    returns `session_token`, sets no cookie and needs no CSRF token. Failed logins are throttled per
    username and per client address; unknown user, wrong password and inactive user get the same 401.

    Args:
        body (LoginInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | LoginOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: LoginInputRequest,
) -> Error | LoginOutput | None:
    """Log in

     Checks the password and signs the session in under a new key, keeping the anonymous session's data.
    `transport: cookie` (default) sets the session cookie and needs `X-CSRFToken`; `transport: header`
    returns `session_token`, sets no cookie and needs no CSRF token. Failed logins are throttled per
    username and per client address; unknown user, wrong password and inactive user get the same 401.

    Args:
        body (LoginInputRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | LoginOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
