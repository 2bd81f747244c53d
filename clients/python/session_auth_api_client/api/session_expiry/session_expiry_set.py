from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.expiry_input_request import ExpiryInputRequest
from ...models.expiry_output import ExpiryOutput
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ExpiryInputRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/session/expiry",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ExpiryOutput | None:
    if response.status_code == 200:
        response_200 = ExpiryOutput.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ExpiryOutput]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ExpiryInputRequest | Unset = UNSET,
) -> Response[Error | ExpiryOutput]:
    """Set the session's expiry

     Exactly one of `seconds` (idle seconds, at least 1), `expires_at` (a future time), `browser_close:
    true` or `default: true`. An expiry beyond the absolute lifetime of a signed-in session (or the
    maximum lifetime setting for anonymous ones) is 400. The cookie follows: no Max-Age for
    browser_close, Max-Age=n for seconds.

    Args:
        body (ExpiryInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExpiryOutput]
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
    body: ExpiryInputRequest | Unset = UNSET,
) -> Error | ExpiryOutput | None:
    """Set the session's expiry

     Exactly one of `seconds` (idle seconds, at least 1), `expires_at` (a future time), `browser_close:
    true` or `default: true`. An expiry beyond the absolute lifetime of a signed-in session (or the
    maximum lifetime setting for anonymous ones) is 400. The cookie follows: no Max-Age for
    browser_close, Max-Age=n for seconds.

    Args:
        body (ExpiryInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExpiryOutput
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ExpiryInputRequest | Unset = UNSET,
) -> Response[Error | ExpiryOutput]:
    """Set the session's expiry

     Exactly one of `seconds` (idle seconds, at least 1), `expires_at` (a future time), `browser_close:
    true` or `default: true`. An expiry beyond the absolute lifetime of a signed-in session (or the
    maximum lifetime setting for anonymous ones) is 400. The cookie follows: no Max-Age for
    browser_close, Max-Age=n for seconds.

    Args:
        body (ExpiryInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExpiryOutput]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ExpiryInputRequest | Unset = UNSET,
) -> Error | ExpiryOutput | None:
    """Set the session's expiry

     Exactly one of `seconds` (idle seconds, at least 1), `expires_at` (a future time), `browser_close:
    true` or `default: true`. An expiry beyond the absolute lifetime of a signed-in session (or the
    maximum lifetime setting for anonymous ones) is 400. The cookie follows: no Max-Age for
    browser_close, Max-Age=n for seconds.

    Args:
        body (ExpiryInputRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExpiryOutput
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
