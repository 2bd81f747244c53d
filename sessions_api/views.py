"""The session endpoints: the current session's data, expiry and cookie check; the user's sessions."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import parse_qs, urlparse

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.permissions import IsAdminUser, IsAuthenticated
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


class StaffSessionPagination(CursorPagination):
    """DRF's cursor pagination, answering with the bare cursor (the contract's ``next``)."""

    ordering = ("-created_at", "id")
    page_size = 50
    invalid_cursor_message = "The cursor is not one this service gave."

    def decode_cursor(self, request: Request) -> Cursor | None:
        """Return the request's cursor; any cursor this service did not make is a 400."""
        try:
            cursor = super().decode_cursor(request)
            if cursor is not None:
                self.check_cursor(cursor, encoded=request.query_params[self.cursor_query_param])
        except (NotFound, ValueError, OverflowError) as exc:
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from exc
        return cursor

    def check_cursor(self, cursor: Cursor, *, encoded: str) -> None:
        """Raise ValueError or OverflowError unless the cursor is one this service could have made."""
        # DRF reads leniently (r=2 is reverse, an offset past the cutoff is the cutoff, unknown parts
        # are ignored), so a cursor that does not encode back to itself was made elsewhere.
        if self.cursor_of(self.encode_cursor(cursor)) != encoded:
            raise ValueError("the cursor is not in this service's form")
        if cursor.position is not None:
            # The position ends up in a created_at filter, where anything but an aware datetime that
            # exists in UTC raises (ValidationError, OverflowError) deep in the ORM: a 500.
            position = parse_datetime(str(cursor.position))  # a str, whatever the stubs say
            if position is None or position.tzinfo is None:
                raise ValueError("the cursor's position is not a time")
            position.astimezone(UTC)

    def next_cursor(self) -> str | None:
        link = self.get_next_link()
        return self.cursor_of(link) if link else None

    def cursor_of(self, link: str) -> str:
        """Return the cursor a page link carries (blank for the first page)."""
        return parse_qs(urlparse(link).query, keep_blank_values=True)[self.cursor_query_param][0]


class StaffSessionsView(ApiView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        tags=["staff"],
        auth=AUTH_READ,
        summary="List all sessions (staff)",
        operation_id="staff_sessions_list",
        description="Every live signed-in session, newest first, 50 a page; `?user=` narrows to one user, "
        "`?cursor=` takes the `next` of the previous page.",
        parameters=[
            OpenApiParameter(
                "user",
                {"type": "integer", "minimum": 1, "maximum": serializers.USER_ID_MAX},
                description="A user id.",
            ),
            # Written out rather than derived from the query serializer: an empty cursor means the
            # first page, which drf-spectacular cannot say of a blank-allowing regex field.
            OpenApiParameter(
                "cursor",
                {"type": "string", "pattern": serializers.CURSOR_PATTERN, "maxLength": 512},
                description="The `next` of the previous page.",
            ),
        ],
        responses={200: serializers.StaffSessionListSerializer, **errors(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        query = serializers.StaffSessionQuerySerializer.of_query(request.query_params)
        query.is_valid(raise_exception=True)
        paginator = StaffSessionPagination()
        page = paginator.paginate_queryset(
            selectors.session_rows(selectors.all_sessions_list(user_id=query.validated_data.get("user"))),
            request,
            view=self,
        )
        context = {"current_id": request.session.get(selectors.REGISTRY_KEY)}
        return Response(
            {
                "sessions": serializers.StaffSessionSerializer(page, many=True, context=context).data,
                "next": paginator.next_cursor(),
            }
        )


class StaffUserSessionsView(ApiView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        tags=["staff"],
        auth=AUTH_WRITE,
        summary="End all sessions of a user (staff)",
        operation_id="staff_user_sessions_revoke",
        description="Needs a recent password proof (step-up).",
        request=None,
        responses={
            200: serializers.RevokedSerializer,
            **errors(401, 404),
            403: step_up_error("Not staff (`permission_denied`). "),
        },
    )
    def delete(self, request: Request, user_id: int) -> Response:
        services.step_up_check(request=request._request)
        if not services.user_exists(user_id=user_id):
            raise NotFound("There is no user with this id.")
        revoked = services.user_sessions_revoke(user_id=user_id, request=request._request)
        return Response({"revoked": revoked})


class StaffBulkRevokeView(ApiView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        tags=["staff"],
        auth=AUTH_WRITE,
        summary="End many sessions at once (staff)",
        operation_id="staff_sessions_revoke",
        description=f"Ends every live session named, of any users, in one transaction: each ends at once "
        f"on every engine. Unknown (or already ended) ids are skipped and not counted; more than "
        f"{serializers.BULK_REVOKE_MAX} ids is 400. Needs a recent password proof (step-up).",
        request=serializers.BulkRevokeInputSerializer,
        responses={
            200: serializers.RevokedSerializer,
            **unsafe_errors(401),
            403: step_up_error("Not staff (`permission_denied`). "),
        },
        examples=[OpenApiExample("ids", value={"ids": ["CZlqrsjLb36KZWx3v8P9rg"]}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.BulkRevokeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.step_up_check(request=request._request)
        revoked = services.sessions_revoke_many(
            request=request._request, entry_ids=serializer.validated_data["ids"]
        )
        return Response({"revoked": revoked})


class ClearExpiredView(ApiView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        tags=["staff"],
        auth=AUTH_WRITE,
        summary="Delete expired sessions (staff)",
        operation_id="staff_sessions_clear_expired",
        description="Django's `clear_expired` on the store (what `manage.py clearsessions` runs), plus the "
        "registry's expired entries. `deleted` counts both.",
        request=None,
        responses={200: serializers.DeletedSerializer, **errors(401, 403)},
    )
    def post(self, request: Request) -> Response:
        return Response({"deleted": services.expired_sessions_clear()})
