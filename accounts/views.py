"""The accounts endpoints: thin views over ``services``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import serializers, services
from api_project.errors import RegistrationClosed
from api_project.schema import (
    ANONYMOUS_WRITE,
    AUTH_READ,
    AUTH_WRITE,
    LOGIN,
    NO_AUTH,
    error,
    errors,
    unsafe_errors,
)
from api_project.views import ApiView
from sessions_api.selectors import session_info

TAG = ["auth"]


def user_and_session(request: Request) -> dict[str, Any]:
    """Return the signed-in user and the current session, as "who am I" shows them."""
    return {
        "user": serializers.user_data(request.user),
        "session": session_info(request=request._request),
    }


class CsrfView(ApiView):
    authentication_classes = []

    @extend_schema(
        tags=TAG,
        auth=NO_AUTH,
        summary="Get a CSRF token",
        operation_id="auth_csrf",
        description="Sets the CSRF cookie and returns the token: send it as `X-CSRFToken` on every unsafe "
        "request of the cookie transport. Login rotates it: fetch it again after logging in.",
        responses={200: serializers.CsrfOutputSerializer, **errors()},
    )
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request._request)})


class LoginView(ApiView):
    authentication_classes = []  # a stale or revoked session may always log in again
    check_csrf_in_initial = False

    @extend_schema(
        tags=TAG,
        auth=LOGIN,
        summary="Log in",
        operation_id="auth_login",
        description="Checks the password and signs the session in under a new key, keeping the anonymous "
        "session's data. `transport: cookie` (default) sets the session cookie and needs `X-CSRFToken`; "
        "`transport: header` returns `session_token`, sets no cookie and needs no CSRF token. Failed logins "
        "are throttled per username and per client address; unknown user, wrong password and inactive "
        "user get the same 401.",
        request=serializers.LoginInputSerializer,
        responses={
            200: serializers.LoginOutputSerializer,
            **unsafe_errors(429),
            401: error(
                401,
                "Wrong username or password (`invalid_credentials`).",
                "invalid_credentials",
                "Unknown username or wrong password.",
            ),
            403: error(403, "Cookie transport without a valid `X-CSRFToken` (`csrf_failed`)."),
        },
        examples=[
            OpenApiExample(
                "cookie", value={"username": "alice", "password": "correct horse battery"}, request_only=True
            ),
            OpenApiExample(
                "header",
                value={"username": "alice", "password": "correct horse battery", "transport": "header"},
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["transport"] == "cookie":
            self.check_csrf(request)
        user = services.user_login(
            request=request._request,
            username=data["username"],
            password=data["password"],
            transport=data["transport"],
        )
        body: dict[str, Any] = {
            "user": serializers.user_data(user),
            "session": session_info(request=request._request),
            "new_device": bool(request._request.session_entry.new_device),  # type: ignore[attr-defined]
        }
        if data["transport"] == "header":
            body["session_token"] = request._request.session.session_key
        return Response(body)


class LogoutView(ApiView):
    authentication_classes = []  # logging out an ended session is still a 204

    @extend_schema(
        tags=TAG,
        auth=ANONYMOUS_WRITE,
        summary="Log out",
        operation_id="auth_logout",
        description="Ends the session server-side (its data too) and deletes the cookie. Logging out twice, "
        "or without a session, is also 204.",
        request=None,
        responses={204: OpenApiResponse(description="Logged out."), **errors(403)},
    )
    def post(self, request: Request) -> Response:
        services.user_logout(request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        auth=AUTH_READ,
        summary="Who am I",
        operation_id="auth_session",
        description="The signed-in user and the current session. 401 `not_authenticated` without a live "
        "session, 401 `session_expired` past the absolute lifetime.",
        responses={200: serializers.SessionOutputSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(user_and_session(request))


class ReauthenticateView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        auth=AUTH_WRITE,
        summary="Prove the password again (step-up)",
        operation_id="auth_reauthenticate",
        description="Revoking sessions needs a recent password proof: until the session's "
        "`privileged_until` (its last proof + `REAUTH_MAX_AGE`). This gives a fresh one. Like login, the "
        "session gets a new key (a new cookie, or the new token in the `X-Session-Token` response header) "
        "and, on the cookie transport, a new CSRF token; every earlier cookie or token of it stops working. "
        "Its data, id and `created_at` stay. A wrong password is 401 `invalid_credentials` and the session "
        "goes on; wrong passwords count against the same per-username and per-address limits as failed "
        "logins: past them 429 `throttled` with `Retry-After`.",
        request=serializers.ReauthenticateInputSerializer,
        responses={
            200: serializers.SessionOutputSerializer,
            **unsafe_errors(429),
            401: error(
                401,
                "Not signed in (`not_authenticated`, `session_expired`), or a wrong password "
                "(`invalid_credentials`), which does not end the session.",
                "invalid_credentials",
                "Wrong password; the session goes on.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.ReauthenticateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.session_reauthenticate(
            request=request._request, user=request.user, password=serializer.validated_data["password"]
        )
        return Response(user_and_session(request))


class PasswordView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG,
        auth=AUTH_WRITE,
        summary="Change the password",
        operation_id="auth_password_change",
        description="Every other session of the user ends at once; this one goes on under a new key (on the "
        "header transport the new token comes in the `X-Session-Token` response header), and every token "
        "of it from before stops working. A wrong `current_password` is 400 and counts against the same "
        "per-username and per-address limits as a failed login: past them 429 `throttled` with "
        "`Retry-After`, before the password is checked.",
        request=serializers.PasswordChangeInputSerializer,
        responses={204: OpenApiResponse(description="Changed."), **unsafe_errors(401, 429)},
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.PasswordChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_change(
            request=request._request, user=request.user, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegisterView(ApiView):
    authentication_classes = []

    @extend_schema(
        tags=TAG,
        auth=ANONYMOUS_WRITE,
        summary="Register",
        operation_id="auth_register",
        description="Creates a user; it is not logged in. A username that is taken is 400 with "
        "`fields.username` (registration cannot hide which names exist; the throttle bounds how fast anyone "
        "can ask). Usernames are folded with Unicode NFKC before the check, so a full-width `alice` is "
        "taken when `alice` is. Attempts are throttled per client address (`REGISTRATIONS_PER_ADDRESS` per "
        "`REGISTRATION_WINDOW` seconds, default 20 per hour): past it 429 `throttled` with `Retry-After`. "
        "403 `permission_denied` when registration is switched off (`REGISTRATION_OPEN=0`).",
        request=serializers.RegisterInputSerializer,
        responses={201: serializers.RegisterOutputSerializer, **unsafe_errors(429)},
    )
    def post(self, request: Request) -> Response:
        if not settings.REGISTRATION_OPEN:
            raise RegistrationClosed()
        services.registration_check(request=request._request)
        serializer = serializers.RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(request=request._request, **serializer.validated_data)
        return Response({"user": serializers.user_data(user)}, status=status.HTTP_201_CREATED)
