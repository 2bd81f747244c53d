"""One error shape for every 4xx and 5xx: ``{"code", "detail", "fields"?}``."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)

try:  # django-redis wraps client errors in its own class
    from django_redis.exceptions import ConnectionInterrupted
    from redis.exceptions import RedisClusterException, RedisError

    STORE_ERRORS: tuple[type[BaseException], ...] = (
        OperationalError,
        InterfaceError,
        # ClusterDownError, TryAgainError, MovedError, AskError and ReadOnlyError are RedisErrors;
        # RedisClusterException (no slot covered, the cluster unreachable at start-up) is not.
        RedisError,
        RedisClusterException,
        ConnectionInterrupted,
        ConnectionError,
        TimeoutError,
    )
except ImportError:  # pragma: no cover - redis is a hard dependency
    STORE_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class ApiError(exceptions.APIException):
    """An error with its own code, status and sentence."""


class TooLarge(ApiError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request or the session would exceed a size limit."
    default_code = "too_large"


class InvalidCredentials(exceptions.AuthenticationFailed):
    default_detail = "Unknown username or wrong password."
    default_code = "invalid_credentials"


class SessionExpired(exceptions.AuthenticationFailed):
    default_detail = "The session has passed its lifetime; log in again."
    default_code = "session_expired"


class ServiceUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A store the service needs is unreachable; try again shortly."
    default_code = "service_unavailable"
    # Retry-After: about as long as a Redis failover's election; clients that honour it (our SDKs) then
    # retry instead of failing on the first 503.
    wait = 2


class ReauthenticationRequired(exceptions.PermissionDenied):
    """The operation needs a recent password proof (step-up): 403, with where to give one."""

    default_detail = "This needs a recent password proof: POST your password to the reauthenticate path."
    default_code = "reauthentication_required"

    def __init__(self) -> None:
        super().__init__()
        self.extra = {
            "reauthenticate": {"path": "/api/v1/auth/reauthenticate", "max_age": settings.REAUTH_MAX_AGE}
        }


class TooManyRegistrations(exceptions.Throttled):
    sentence = "Too many registrations from this address; try again after Retry-After seconds."


class RegistrationClosed(exceptions.PermissionDenied):
    default_detail = "Registration is switched off on this service."
    default_code = "permission_denied"


# DRF's own codes, renamed to the contract's where they differ.
CODE_NAMES = {
    "parse_error": "invalid",
    "authentication_failed": "not_authenticated",
    "not_found": "not_found",
    "unsupported_media_type": "unsupported_media_type",
    "method_not_allowed": "method_not_allowed",
    "permission_denied": "permission_denied",
    "throttled": "throttled",
}


def error_body(code: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Return the contract's error body."""
    body: dict[str, Any] = {"code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def _flatten(errors: Any) -> list[str]:
    """Return every message of a nested DRF error structure as a flat list of strings."""
    if isinstance(errors, dict):
        return [f"{key}: {message}" for key, value in errors.items() for message in _flatten(value)]
    if isinstance(errors, list):
        return [message for item in errors for message in _flatten(item)]
    return [str(errors)]


def validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    """Return the error body of a validation error, with ``fields`` per input field."""
    detail = exc.detail
    if not isinstance(detail, dict):
        messages = _flatten(detail)
        return error_body("invalid", messages[0] if messages else "Invalid input.")
    fields = {name: _flatten(value) for name, value in detail.items() if name != "non_field_errors"}
    general = _flatten(detail.get("non_field_errors", []))
    sentence = general[0] if general else "Some fields are invalid: " + ", ".join(sorted(fields)) + "."
    return error_body("invalid", sentence, fields or None)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn any exception raised in a DRF view into the contract's error body."""
    from rest_framework.views import set_rollback  # imported late: it loads our authentication class

    if isinstance(exc, RequestDataTooBig):
        exc = TooLarge(f"The body is over the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE}-byte upload limit.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, STORE_ERRORS) or _is_store_database_error(exc):
        logger.warning("store unavailable: %s", exc.__class__.__name__)
        set_rollback()
        exc = ServiceUnavailable()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    if isinstance(exc, exceptions.ValidationError):
        body = validation_body(exc)
    else:
        code = exc.get_codes()
        code = code if isinstance(code, str) else "invalid"
        body = {**error_body(CODE_NAMES.get(code, code), _sentence(exc)), **getattr(exc, "extra", {})}
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def _sentence(exc: exceptions.APIException) -> str:
    """Return the human sentence of an API exception, without DRF's 'Expected available in' noise."""
    if isinstance(exc, exceptions.Throttled):
        return getattr(exc, "sentence", "Too many failed logins; try again after Retry-After seconds.")
    if isinstance(exc, exceptions.NotAuthenticated):
        return "Log in first: this needs a signed-in session."
    return str(exc.detail)


def _is_store_database_error(exc: BaseException) -> bool:
    """Tell whether a database error means the database is unreachable, not a bug of ours."""
    return isinstance(exc, DatabaseError) and isinstance(exc.__cause__, (OperationalError, InterfaceError))


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status_code: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    response = JsonResponse(
        {**error_body(code, detail), **extra},
        status=status_code,
        json_dumps_params={"separators": (",", ":")},
    )
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable_response() -> JsonResponse:
    response = json_error(503, "service_unavailable", str(ServiceUnavailable.default_detail))
    response["Retry-After"] = str(ServiceUnavailable.wait)
    return response


# --- Django-level handlers (errors raised outside DRF views) ----------------------------------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return json_error(413, "too_large", "The body is over the upload limit.")
    return json_error(400, "invalid", "The request is malformed.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_path(request):
        return defaults.permission_denied(request, exception)
    return json_error(403, "permission_denied", "You do not have permission to do this.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api_path(request):
        return defaults.page_not_found(request, exception or Http404())
    return json_error(404, "not_found", "There is nothing at this address.")


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if exc is not None and (isinstance(exc, STORE_ERRORS) or _is_store_database_error(exc)):
        return service_unavailable_response()
    if not is_api_path(request):
        return defaults.server_error(request)
    return json_error(500, "server_error", "The service failed; the error was logged.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return json_error(403, "csrf_failed", f"CSRF check failed: {reason or 'missing or wrong token'}.")


@csrf_exempt  # nothing is here to protect: a PUT to an unknown path is a 404, not a CSRF failure
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Answer unknown paths under /api/ in the error shape, whatever DEBUG says."""
    return page_not_found(request)
