"""The session-auth API's client: one method per operation of openapi.yaml, over the generated client.

The generated package (session_auth_api_client) builds each request and parses each answer into the
models of openapi.yaml. What every app would otherwise write by hand lives here once:

- cookie transport (scripts acting as a browser): a cookie jar; the CSRF token fetched from
  GET /auth/csrf, sent as X-CSRFToken on every unsafe call, fetched again after login, reauthentication
  and a password change (they rotate it), and once more when a call answers csrf_failed;
- header transport (mobile apps, scripts): no cookies; the session token in X-Session-Token, the newest
  one any response hands back kept in a pluggable storage (memory by default);
- errors in the contract's shape as ApiError (code, detail, fields), ReauthenticationRequiredError when a
  call needs a recent password proof (step-up);
- 429 and 503 retried after their Retry-After, a bounded number of times and for a bounded wait.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Sequence
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Literal, Self, TypeVar

import httpx

# The generated operations, one module each, named as the methods below that call them.
from session_auth_api_client.api.auth import (
    auth_csrf,
    auth_login,
    auth_logout,
    auth_password_change,
    auth_reauthenticate,
    auth_register,
    auth_session,
)
from session_auth_api_client.api.cookie_check import (
    session_test_cookie_check,
    session_test_cookie_delete,
    session_test_cookie_set,
)
from session_auth_api_client.api.my_sessions import (
    sessions_list,
    sessions_rename,
    sessions_revoke,
    sessions_revoke_others,
)
from session_auth_api_client.api.operations import health
from session_auth_api_client.api.session_data import (
    session_data_clear,
    session_data_delete,
    session_data_get,
    session_data_list,
    session_data_set,
)
from session_auth_api_client.api.session_expiry import session_expiry_get, session_expiry_set
from session_auth_api_client.api.staff import (
    staff_sessions_clear_expired,
    staff_sessions_list,
    staff_sessions_revoke,
    staff_user_sessions_revoke,
)
from session_auth_api_client.client import AuthenticatedClient
from session_auth_api_client.models import (
    BulkRevokeInputRequest,
    CookieCheckOutput,
    CsrfOutput,
    DataItem,
    DataOutput,
    DataValueInputRequest,
    Deleted,
    ExpiryInputRequest,
    ExpiryOutput,
    Health,
    LoginInputRequest,
    LoginOutput,
    PasswordChangeInputRequest,
    PatchedSessionNameInputRequest,
    ReauthenticateInputRequest,
    RegisterInputRequest,
    RegisterOutput,
    Revoked,
    SessionOutput,
    StaffSessionList,
    User,
    UserSession,
    UserSessionList,
)
from session_auth_api_client.types import UNSET, Response, Unset

from session_auth_client.errors import ApiError, ReauthenticationRequiredError, error_of
from session_auth_client.tokens import MemoryTokenStorage, TokenStorage

Transport = Literal["cookie", "header"]
T = TypeVar("T")
V = TypeVar("V")

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_HEADER = "X-Session-Token"  # noqa: S105 - a header name, not a secret
CSRF_HEADER = "X-CSRFToken"
RETRYABLE = frozenset({429, 503})


class SessionClient:
    """A client of one service on one transport; a context manager that closes its connections."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: Transport = "cookie",
        token_storage: TokenStorage | None = None,
        retries: int = 2,
        max_retry_wait: float = 5,
        timeout: float = 10,
    ) -> None:
        """Talk to ``base_url`` (the service's origin, e.g. "https://api.example.com").

        ``retries``: how many times a 429 or 503 is retried after its Retry-After; a longer wait than
        ``max_retry_wait`` seconds is not waited for (the ApiError carries it for the UI to show).
        """
        self.transport: Transport = transport
        self.tokens: TokenStorage = token_storage or MemoryTokenStorage()
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self._csrf_token: str | None = None
        # The header transport keeps no cookie at all, as a mobile app would not.
        jar = CookieJar(DefaultCookiePolicy(allowed_domains=[])) if transport == "header" else None
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout,
            cookies=jar,
            event_hooks={"request": [self._authenticate], "response": [self._receive]},
        )
        self._api = AuthenticatedClient(base_url=base_url, token="").set_httpx_client(self._http)

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookie jar (cookie transport): the session cookie and the CSRF cookie."""
        return self._http.cookies

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- The transport ------------------------------------------------------------------------

    def _authenticate(self, request: httpx.Request) -> None:
        """Put this transport's credential on a request: the session token, or the CSRF token."""
        if self.transport == "header":
            request.headers[TOKEN_HEADER] = self.tokens.get() or ""  # empty: a new anonymous session
        elif request.method in UNSAFE:
            if self._csrf_token is None:
                self._csrf_token = self.auth_csrf()
                # The request's Cookie header was built before the CSRF cookie came: build it again.
                request.headers.pop("Cookie", None)
                self._http.cookies.set_cookie_header(request)
            request.headers[CSRF_HEADER] = self._csrf_token

    def _receive(self, response: httpx.Response) -> None:
        """Keep the newest session token (header transport); raise an answer outside 2xx as an ApiError."""
        renewed = response.headers.get(TOKEN_HEADER)
        if self.transport == "header" and renewed:
            self.tokens.set(renewed)
        if not response.is_success:
            response.read()
            raise error_of(response)

    def _call(self, operation: Callable[..., Response[Any]], *args: Any, **kwargs: Any) -> Response[Any]:
        """Run one generated operation: once more with a fresh CSRF token, 429 and 503 after Retry-After."""
        csrf_refetched = False
        attempt = 0
        while True:
            try:
                return operation(*args, client=self._api, **kwargs)
            except ApiError as error:
                if self.transport == "cookie" and error.code == "csrf_failed" and not csrf_refetched:
                    csrf_refetched = False  # the token went stale (another tab logged in)
                    self._csrf_token = None
                    continue
                wait = self._retry_wait(error, attempt)
                if wait is None:
                    raise
                time.sleep(wait)
                attempt += 1

    def _retry_wait(self, error: ApiError, attempt: int) -> float | None:
        """Return how long to wait before retrying ``error``, or None when it is not to be retried."""
        if error.status not in RETRYABLE or attempt >= self.retries or error.retry_after is None:
            return None
        return error.retry_after if error.retry_after <= self.max_retry_wait else None

    # --- auth ---------------------------------------------------------------------------------

    def auth_csrf(self) -> str:
        """GET /auth/csrf: the CSRF token (the cookie transport fetches and sends it by itself)."""
        return _parsed(self._call(auth_csrf.sync_detailed), CsrfOutput).csrf_token

    def auth_login(self, username: str, password: str) -> LoginOutput:
        """POST /auth/login on this client's transport; keeps the token (header) or refetches CSRF."""
        body = LoginInputRequest(username=username, password=password, transport=self.transport)
        login = _parsed(self._call(auth_login.sync_detailed, body=body), LoginOutput)
        if self.transport == "header" and isinstance(login.session_token, str):
            self.tokens.set(login.session_token)
        self._csrf_token = None  # login rotated it
        return login

    def auth_logout(self) -> None:
        """POST /auth/logout: ends the session (a second logout is fine) and forgets its token."""
        self._call(auth_logout.sync_detailed)
        if self.transport == "header":
            self.tokens.set(None)
        self._csrf_token = None

    def auth_session(self) -> SessionOutput:
        """GET /auth/session: who am I, and the session (``privileged_until``: step-up needed after)."""
        return _parsed(self._call(auth_session.sync_detailed), SessionOutput)

    def auth_reauthenticate(self, password: str) -> SessionOutput:
        """POST /auth/reauthenticate: prove the password again (step-up); the session gets a new key."""
        body = ReauthenticateInputRequest(password=password)
        proved = _parsed(self._call(auth_reauthenticate.sync_detailed, body=body), SessionOutput)
        self._csrf_token = None  # rotated
        return proved

    def auth_password_change(self, current_password: str, new_password: str) -> None:
        """POST /auth/password: every other session ends; this one goes on under a new key."""
        body = PasswordChangeInputRequest(current_password=current_password, new_password=new_password)
        self._call(auth_password_change.sync_detailed, body=body)
        self._csrf_token = None

    def auth_register(self, username: str, password: str, email: str | None = None) -> User:
        """POST /auth/register: creates a user (not logged in)."""
        body = RegisterInputRequest(username=username, password=password, email=_given(email))
        return _parsed(self._call(auth_register.sync_detailed, body=body), RegisterOutput).user

    def health(self) -> Health:
        """GET /health: whether the stores answer (a 503 is an ApiError)."""
        return _parsed(self._call(health.sync_detailed), Health)

    # --- session data -------------------------------------------------------------------------

    def session_data_list(self) -> dict[str, Any]:
        return _parsed(self._call(session_data_list.sync_detailed), DataOutput).data.to_dict()

    def session_data_clear(self) -> None:
        self._call(session_data_clear.sync_detailed)

    def session_data_get(self, key: str) -> Any:
        return _parsed(self._call(session_data_get.sync_detailed, key), DataItem).value

    def session_data_set(self, key: str, value: Any) -> bool:
        """PUT /session/data/{key}; return whether the key is new."""
        body = DataValueInputRequest(value=value)
        return self._call(session_data_set.sync_detailed, key, body=body).status_code == 201

    def session_data_delete(self, key: str) -> None:
        self._call(session_data_delete.sync_detailed, key)

    # --- expiry and the cookie check ----------------------------------------------------------

    def session_expiry_get(self) -> ExpiryOutput:
        return _parsed(self._call(session_expiry_get.sync_detailed), ExpiryOutput)

    def session_expiry_set(
        self,
        *,
        seconds: int | None = None,
        expires_at: datetime.datetime | None = None,
        browser_close: bool | None = None,
        default: bool | None = None,
    ) -> ExpiryOutput:
        """PUT /session/expiry with exactly one of seconds, expires_at, browser_close, default."""
        body = ExpiryInputRequest(
            seconds=_given(seconds),
            expires_at=_given(expires_at),
            browser_close=_given(browser_close),
            default=_given(default),
        )
        return _parsed(self._call(session_expiry_set.sync_detailed, body=body), ExpiryOutput)

    def session_test_cookie_set(self) -> None:
        self._call(session_test_cookie_set.sync_detailed)

    def session_test_cookie_check(self) -> bool:
        check = self._call(session_test_cookie_check.sync_detailed)
        return _parsed(check, CookieCheckOutput).cookies_accepted

    def session_test_cookie_delete(self) -> None:
        self._call(session_test_cookie_delete.sync_detailed)

    # --- my sessions --------------------------------------------------------------------------

    def sessions_list(self) -> list[UserSession]:
        return _parsed(self._call(sessions_list.sync_detailed), UserSessionList).sessions

    def sessions_rename(self, session_id: str, name: str | None) -> UserSession:
        """PATCH /sessions/{id}: a name of 1-64 printable characters, or None to remove it."""
        body = PatchedSessionNameInputRequest(name=name)
        return _parsed(self._call(sessions_rename.sync_detailed, session_id, body=body), UserSession)

    def sessions_revoke(self, session_id: str) -> None:
        """DELETE /sessions/{id} (needs a recent password proof: ReauthenticationRequiredError)."""
        self._call(sessions_revoke.sync_detailed, session_id)

    def sessions_revoke_others(self) -> int:
        """POST /sessions/revoke-others; return how many ended (needs a recent password proof)."""
        return _parsed(self._call(sessions_revoke_others.sync_detailed), Revoked).revoked

    # --- staff --------------------------------------------------------------------------------

    def staff_sessions_list(self, *, user: int | None = None, cursor: str | None = None) -> StaffSessionList:
        listed = self._call(staff_sessions_list.sync_detailed, user=_given(user), cursor=_given(cursor))
        return _parsed(listed, StaffSessionList)

    def staff_sessions_clear_expired(self) -> int:
        return _parsed(self._call(staff_sessions_clear_expired.sync_detailed), Deleted).deleted

    def staff_sessions_revoke(self, ids: Sequence[str]) -> int:
        """POST /admin/sessions/revoke: up to 500 ids; return how many ended (needs a recent proof)."""
        body = BulkRevokeInputRequest(ids=list(ids))
        return _parsed(self._call(staff_sessions_revoke.sync_detailed, body=body), Revoked).revoked

    def staff_user_sessions_revoke(self, user_id: int) -> int:
        """DELETE /admin/users/{id}/sessions; return how many ended (needs a recent password proof)."""
        return _parsed(self._call(staff_user_sessions_revoke.sync_detailed, user_id), Revoked).revoked


def with_step_up(client: SessionClient, ask_password: Callable[[], str], call: Callable[[], T]) -> T:
    """Run a call that may need a recent password proof.

    On ReauthenticationRequiredError, get the password from ``ask_password`` (your dialog), prove it,
    and run the call once more.
    """
    try:
        return call()
    except ReauthenticationRequiredError:
        client.auth_reauthenticate(ask_password())
        return call()


def _parsed(outcome: Response[Any], kind: type[T]) -> T:
    """Return the parsed body of a 2xx answer (every other one was raised as an ApiError)."""
    if not isinstance(outcome.parsed, kind):
        raise TypeError(f"expected {kind.__name__} from the service, got {type(outcome.parsed).__name__}")
    return outcome.parsed


def _given(value: V | None) -> V | Unset:
    """Return the value, or UNSET (left out of the request) for None."""
    return UNSET if value is None else value
