"""The session endpoints: the current session's data, expiry and cookie check; the user's sessions."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api_project.schema import (
    ANONYMOUS_READ,
    ANONYMOUS_WRITE,
    AUTH_READ,
    AUTH_WRITE,
    errors,
    step_up_error,
    unsafe_errors,
)
from api_project.views import ApiView
from sessions_api import selectors, serializers, services

DATA = ["session data"]
KEY_DOC = (
    "Keys match `^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$`. Django's internal keys (every key starting with `_`) "
    "and the test-cookie marker `testcookie` are never readable, listable, writable or deletable here."
)


KEY_PARAMETER = OpenApiParameter(
    "key",
    str,
    OpenApiParameter.PATH,
    required=True,
    # The contract's key pattern, minus the reserved test-cookie marker (keys starting "_" never match).
    pattern=rf"^(?!{selectors.TEST_COOKIE_KEY}$){serializers.KEY_PATTERN[1:]}",
    description="A data key. Reading or deleting a key that does not match is 404; writing one is 400.",
)


def _data_key(key: str) -> str:
    """Return the key if a data endpoint may read or delete it, else answer 404."""
    if not serializers.is_valid_key(key) or selectors.is_reserved_key(key):
        raise NotFound(f"No data key {key[:128]!r} in this session.")
    return key


class DataView(ApiView):
    @extend_schema(
        tags=DATA,
        auth=ANONYMOUS_READ,
        summary="List the session's data",
        operation_id="session_data_list",
        description="Works without logging in. Reading never creates a session. " + KEY_DOC,
        responses={200: serializers.DataOutputSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response({"data": selectors.session_data_list(session=request.session)})

    @extend_schema(
        tags=DATA,
        auth=ANONYMOUS_WRITE,
        summary="Delete all data keys",
        operation_id="session_data_clear",
        description="Every data key goes; the login stays.",
        request=None,
        responses={204: OpenApiResponse(description="Cleared."), **errors(401, 403)},
    )
    def delete(self, request: Request) -> Response:
        services.session_data_clear(session=request.session)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DataItemView(ApiView):
    @extend_schema(
        tags=DATA,
        parameters=[KEY_PARAMETER],
        auth=ANONYMOUS_READ,
        summary="Read one data key",
        operation_id="session_data_get",
        description=KEY_DOC,
        responses={200: serializers.DataItemSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, key: str) -> Response:
        data = selectors.session_data_list(session=request.session)
        if _data_key(key) not in data:
            raise NotFound(f"No data key {key!r} in this session.")
        return Response({"key": key, "value": data[key]})

    @extend_schema(
        tags=DATA,
        parameters=[KEY_PARAMETER],
        auth=ANONYMOUS_WRITE,
        summary="Set one data key",
        operation_id="session_data_set",
        description="201 when the key is new, 200 when replaced. The first write creates the session. "
        "Limits (settings): one value at most 16 KiB as compact UTF-8 JSON, the session's data at most "
        "64 KiB and 256 keys (signed_cookies: 2 KiB and 32 keys, so the cookie stays under 4 KB); past one, "
        "413 `too_large` and the session is unchanged. Concurrent writes to different keys lose nothing on "
        "db, cache, cached_db and file; on signed_cookies the client holds the data, so the last write "
        "wins. " + KEY_DOC,
        request=serializers.DataValueInputSerializer,
        responses={
            200: serializers.DataItemSerializer,
            201: serializers.DataItemSerializer,
            **unsafe_errors(401),
        },
        examples=[
            OpenApiExample("cart", value={"value": {"items": [{"sku": "A-1", "qty": 2}]}}, request_only=True)
        ],
    )
    def put(self, request: Request, key: str) -> Response:
        if not serializers.is_valid_key(key) or selectors.is_reserved_key(key):
            raise ValidationError(
                {"key": ["Keys match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$ and are not reserved."]}
            )
        serializer = serializers.DataValueInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        value = serializer.validated_data["value"]
        created = services.session_data_set(session=request.session, key=key, value=value)
        return Response(
            {"key": key, "value": value}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        tags=DATA,
        parameters=[KEY_PARAMETER],
        auth=ANONYMOUS_WRITE,
        summary="Delete one data key",
        operation_id="session_data_delete",
        description=KEY_DOC,
        request=None,
        responses={204: OpenApiResponse(description="Deleted."), **errors(401, 403, 404)},
    )
    def delete(self, request: Request, key: str) -> Response:
        if not services.session_data_delete(session=request.session, key=_data_key(key)):
            raise NotFound(f"No data key {key!r} in this session.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExpiryView(ApiView):
    @extend_schema(
        tags=["session expiry"],
        auth=ANONYMOUS_READ,
        summary="Read the session's expiry",
        operation_id="session_expiry_get",
        responses={200: serializers.ExpiryOutputSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.session_expiry_get(session=request.session))

    @extend_schema(
        tags=["session expiry"],
        auth=ANONYMOUS_WRITE,
        summary="Set the session's expiry",
        operation_id="session_expiry_set",
        description="Exactly one of `seconds` (idle seconds, at least 1), `expires_at` (a future time), "
        "`browser_close: true` or `default: true`. An expiry beyond the absolute lifetime of a signed-in "
        "session (or the maximum lifetime setting for anonymous ones) is 400. The cookie follows: no "
        "Max-Age for browser_close, Max-Age=n for seconds.",
        request=serializers.ExpiryInputSerializer,
        responses={200: serializers.ExpiryOutputSerializer, **unsafe_errors(401)},
        examples=[
            OpenApiExample("seconds", value={"seconds": 3600}, request_only=True),
            OpenApiExample("expires_at", value={"expires_at": "2026-12-01T12:00:00Z"}, request_only=True),
            OpenApiExample("browser_close", value={"browser_close": True}, request_only=True),
            OpenApiExample("default", value={"default": True}, request_only=True),
        ],
    )
    def put(self, request: Request) -> Response:
        session = request.session
        latest_end = selectors.session_latest_end(session=session, now=timezone.now())
        serializer = serializers.ExpiryInputSerializer(data=request.data, latest_end=latest_end)
        serializer.is_valid(raise_exception=True)
        services.session_expiry_set(session=session, value=serializer.expiry_value())
        return Response(selectors.session_expiry_get(session=session))


class TestCookieView(ApiView):
    TAGS = ["cookie check"]

    @extend_schema(
        tags=TAGS,
        auth=ANONYMOUS_WRITE,
        summary="Plant the test marker",
        operation_id="session_test_cookie_set",
        description="Django's `set_test_cookie()`; then GET tells whether the client sent it back.",
        request=None,
        responses={204: OpenApiResponse(description="Planted."), **errors(401, 403)},
    )
    def post(self, request: Request) -> Response:
        request.session.set_test_cookie()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=TAGS,
        auth=ANONYMOUS_READ,
        summary="Did the cookie come back?",
        operation_id="session_test_cookie_check",
        description="Django's `test_cookie_worked()`.",
        responses={200: serializers.CookieCheckOutputSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response({"cookies_accepted": request.session.test_cookie_worked()})

    @extend_schema(
        tags=TAGS,
        auth=ANONYMOUS_WRITE,
        summary="Remove the test marker",
        operation_id="session_test_cookie_delete",
        description="Django's `delete_test_cookie()`; also 204 when there was none.",
        request=None,
        responses={204: OpenApiResponse(description="Removed."), **errors(401, 403)},
    )
    def delete(self, request: Request) -> Response:
        if selectors.TEST_COOKIE_KEY in request.session:
            request.session.delete_test_cookie()
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserSessionsView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["my sessions"],
        auth=AUTH_READ,
        summary="List my sessions",
        operation_id="sessions_list",
        description="Every live session of the signed-in user, newest first; `current` marks this one.",
        responses={200: serializers.UserSessionListSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        sessions = selectors.session_rows(selectors.user_sessions_list(user_id=request.user.pk))
        context = {"current_id": request.session.get(selectors.REGISTRY_KEY)}
        return Response(
            {"sessions": serializers.UserSessionSerializer(sessions, many=True, context=context).data}
        )


class UserSessionView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["my sessions"],
        auth=AUTH_WRITE,
        summary="Name one of my sessions",
        operation_id="sessions_rename",
        description='Gives the session a name its user recognises ("Work laptop"), or removes it with '
        "`null`; the lists show it. 404 for an unknown id or another user's.",
        request=serializers.SessionNameInputSerializer,
        responses={200: serializers.UserSessionSerializer, **unsafe_errors(401, 404)},
        examples=[OpenApiExample("name", value={"name": "Work laptop"}, request_only=True)],
    )
    def patch(self, request: Request, session_id: str) -> Response:
        serializer = serializers.SessionNameInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.session_rename(
            user_id=request.user.pk, entry_id=session_id, name=serializer.validated_data["name"]
        )
        if entry is None:
            raise NotFound("You have no session with this id.")
        context = {"current_id": request.session.get(selectors.REGISTRY_KEY)}
        return Response(serializers.UserSessionSerializer(entry, context=context).data)

    @extend_schema(
        tags=["my sessions"],
        auth=AUTH_WRITE,
        summary="End one of my sessions",
        operation_id="sessions_revoke",
        description="That session ends at once on every engine: its cookie or token, replayed, gets 401. "
        "404 for an unknown id or another user's. Needs a recent password proof (step-up).",
        request=None,
        responses={204: OpenApiResponse(description="Ended."), **errors(401, 404), 403: step_up_error()},
    )
    def delete(self, request: Request, session_id: str) -> Response:
        services.step_up_check(request=request._request)
        if not selectors.user_sessions_list(user_id=request.user.pk).filter(pk=session_id).exists():
            raise NotFound("You have no session with this id.")
        services.session_revoke(request=request._request, user_id=request.user.pk, entry_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeOthersView(ApiView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["my sessions"],
        auth=AUTH_WRITE,
        summary="End all my other sessions",
        operation_id="sessions_revoke_others",
        description="Every other session of the user ends at once. Needs a recent password proof (step-up).",
        request=None,
        responses={200: serializers.RevokedSerializer, **errors(401), 403: step_up_error()},
    )
    def post(self, request: Request) -> Response:
        services.step_up_check(request=request._request)
        revoked = services.user_sessions_revoke(
            user_id=request.user.pk,
            keep=request.session.get(selectors.REGISTRY_KEY),
            request=request._request,
        )
        return Response({"revoked": revoked})
