"""The staff endpoints: every user's sessions, listed by page, revoked one user or many at once, pruned."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import parse_qs, urlparse

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from api_project.schema import AUTH_READ, AUTH_WRITE, errors, step_up_error, unsafe_errors
from api_project.views import ApiView
from sessions_api import selectors, serializers, services


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
