"""The session-auth API's Python client: both transports, CSRF, token renewal, typed errors, retries.

The models it returns are those generated from openapi.yaml (session_auth_api_client.models).
"""

from session_auth_api_client.models import (
    Device,
    ExpiryOutput,
    Health,
    LoginOutput,
    SessionInfo,
    SessionOutput,
    StaffSession,
    StaffSessionList,
    User,
    UserSession,
)

from session_auth_client.client import SessionClient, Transport, with_step_up
from session_auth_client.errors import ApiError, ReauthenticationRequiredError
from session_auth_client.tokens import MemoryTokenStorage, TokenStorage

__all__ = [
    "ApiError",
    "Device",
    "ExpiryOutput",
    "Health",
    "LoginOutput",
    "MemoryTokenStorage",
    "ReauthenticationRequiredError",
    "SessionClient",
    "SessionInfo",
    "SessionOutput",
    "StaffSession",
    "StaffSessionList",
    "TokenStorage",
    "Transport",
    "User",
    "UserSession",
    "with_step_up",
]
