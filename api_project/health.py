"""GET /api/v1/health: is every store the service needs reachable?"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api_project.errors import STORE_ERRORS, ServiceUnavailable, error_body
from api_project.schema import NO_AUTH, UnavailableSerializer
from api_project.views import ApiView
from sessions_api.serializers import HealthSerializer


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except STORE_ERRORS:
        return "unavailable"
    return "ok"


def _cache() -> str:
    if not settings.REDIS_URL:
        return "n/a"
    from django_redis import get_redis_connection

    try:
        get_redis_connection("default").ping()
    except STORE_ERRORS:
        return "unavailable"
    return "ok"


class HealthView(ApiView):
    authentication_classes = []

    @extend_schema(
        tags=["operations"],
        auth=NO_AUTH,
        summary="Health",
        operation_id="health",
        description="200 when every store the service needs answers; 503 naming the failed check otherwise.",
        responses={
            200: HealthSerializer,
            503: OpenApiResponse(UnavailableSerializer, description="A store is down."),
        },
    )
    def get(self, request: Request) -> Response:
        checks = {"database": _database(), "cache": _cache()}
        body = {"status": "ok", "engine": settings.SESSION_ENGINE_NAME, "checks": checks}
        if "unavailable" in checks.values():
            failed = ", ".join(name for name, state in checks.items() if state == "unavailable")
            detail = f"Unreachable: {failed}."
            return Response(
                {**error_body(ServiceUnavailable.default_code, detail), **body, "status": "unavailable"},
                status=503,
                headers={"Retry-After": str(ServiceUnavailable.wait)},
            )
        return Response(body)
