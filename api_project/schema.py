"""Pieces of the OpenAPI schema shared by every endpoint: error bodies and security requirements."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable snake_case code, e.g. invalid_credentials.")
    detail = serializers.CharField(help_text="A sentence for a person.")
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only on validation errors: messages per input field.",
    )


class UnavailableSerializer(ErrorSerializer):
    status = serializers.ChoiceField(choices=["unavailable"], required=False)
    checks = serializers.DictField(child=serializers.CharField(), required=False)


class ReauthenticateSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Where to POST the password: /api/v1/auth/reauthenticate.")
    max_age = serializers.IntegerField(help_text="How long, in seconds, a password proof counts as recent.")


class StepUpErrorSerializer(ErrorSerializer):
    reauthenticate = ReauthenticateSerializer(
        required=False, help_text="Only with `reauthentication_required`: how to get a recent proof."
    )


ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid", "The input is invalid."),
    401: ("not_authenticated", "Log in first."),
    403: ("csrf_failed", "CSRF check failed: send the token from GET /api/v1/auth/csrf as X-CSRFToken."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", 'Method "PATCH" not allowed.'),
    413: ("too_large", "The value is over the 16384-byte limit."),
    415: ("unsupported_media_type", 'Unsupported media type "text/plain" in request.'),
    429: ("throttled", "Too many failed logins; try again after Retry-After seconds."),
    503: ("service_unavailable", "A store the service needs is unreachable; try again shortly."),
}
DESCRIPTIONS = {
    400: "Invalid input or malformed JSON (`invalid`).",
    401: "Not signed in, or the session ended (`not_authenticated`, `session_expired`).",
    403: "On the cookie transport, no valid X-CSRFToken header (`csrf_failed`); or not allowed.",
    404: "Not found (`not_found`).",
    405: "Method not allowed (`method_not_allowed`).",
    413: "Too large (`too_large`): the body, a value or the whole session is over its limit.",
    415: "The body is not JSON (`unsupported_media_type`).",
    429: "Too many failed logins (`throttled`); the `Retry-After` header says how many seconds to wait.",
    503: "A store the service needs is down (`service_unavailable`); `Retry-After` says when to try again.",
}


def error(
    status: int, description: str | None = None, code: str | None = None, detail: str | None = None
) -> Any:
    """Return the schema of one error response, with an example body."""
    default_code, default_detail = ERRORS[status]
    return OpenApiResponse(
        response=ErrorSerializer,
        description=description or DESCRIPTIONS[status],
        examples=[
            OpenApiExample(
                code or default_code,
                value={"code": code or default_code, "detail": detail or default_detail},
                response_only=True,
                status_codes=[str(status)],
            )
        ],
    )


def errors(*statuses: int) -> dict[int, Any]:
    """Return the error responses of an endpoint: the ones named plus those every endpoint can give."""
    return {status: error(status) for status in sorted({*statuses, 503})}


def unsafe_errors(*statuses: int) -> dict[int, Any]:
    """The errors of an endpoint that reads a JSON body and changes something."""
    return errors(*statuses, 400, 403, 413, 415)


def step_up_error(description: str = "") -> Any:
    """Return the 403 of an operation that needs a recent password proof (step-up)."""
    return OpenApiResponse(
        response=StepUpErrorSerializer,
        description=description
        + "The session's last password proof is older than `REAUTH_MAX_AGE` (`reauthentication_required`): "
        "nothing changed; POST the password to `reauthenticate.path`, then retry. Or, on the cookie "
        "transport, no valid X-CSRFToken header (`csrf_failed`).",
        examples=[
            OpenApiExample(
                "reauthentication_required",
                value={
                    "code": "reauthentication_required",
                    "detail": "This needs a recent password proof: POST your password to the reauthenticate "
                    "path.",
                    "reauthenticate": {"path": "/api/v1/auth/reauthenticate", "max_age": 300},
                },
                response_only=True,
                status_codes=["403"],
            )
        ],
    )


# Security requirements: either transport; unsafe cookie requests also carry the CSRF header.
# (Typed Any: drf-spectacular's stubs say list[str], but it takes OpenAPI requirement objects.)
AUTH_READ: Any = [{"sessionCookie": []}, {"sessionToken": []}]
AUTH_WRITE: Any = [{"sessionCookie": [], "csrfToken": []}, {"sessionToken": []}]
ANONYMOUS_READ: Any = [*AUTH_READ, {}]
# An anonymous write needs no session credential: on the header transport X-Session-Token may be empty or
# unknown (it starts a new session), so the empty requirement is there; on the cookie transport it still
# needs the CSRF header, which the csrfToken alternative and every 403 response say.
ANONYMOUS_WRITE: Any = [*AUTH_WRITE, {"csrfToken": []}, {}]
NO_AUTH: Any = [{}]
LOGIN: Any = [{"csrfToken": []}, {}]  # cookie transport: the CSRF header; header transport: nothing


NO_NUL = "^[^\\x00]*$"


def postprocess_no_nul_in_strings(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Say in the schema what DRF enforces on every CharField: no NUL character (a 400 otherwise).

    Only free-text strings of request bodies get the pattern; those with a format, a pattern or an enum
    of their own already exclude NUL.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for field in component.get("properties", {}).values():
            if field.get("type") == "string" and not {"format", "pattern", "enum"} & set(field):
                field["pattern"] = NO_NUL
    return result


# How one operation's answer feeds the next: OpenAPI links, which a client generator documents and
# schemathesis's stateful phase follows (register, then log in as that user, then act on the session).
# (operationId, status) -> {link name: (target operationId, parameters, request body)}
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str], Any]]] = {
    ("auth_register", "201"): {
        "LogIn": (
            "auth_login",
            {},
            {"username": "$request.body#/username", "password": "$request.body#/password"},
        ),
    },
    ("auth_login", "200"): {
        "RevokeThisSession": ("sessions_revoke", {"session_id": "$response.body#/session/id"}, None),
        "RevokeUsersSessions": ("staff_user_sessions_revoke", {"user_id": "$response.body#/user/id"}, None),
    },
    ("auth_session", "200"): {
        "RevokeThisSession": ("sessions_revoke", {"session_id": "$response.body#/session/id"}, None),
    },
    ("sessions_list", "200"): {
        "RevokeFirstListed": ("sessions_revoke", {"session_id": "$response.body#/sessions/0/id"}, None),
    },
    **{
        ("session_data_set", status): {
            "ReadKey": ("session_data_get", {"key": "$request.path.key"}, None),
            "DeleteKey": ("session_data_delete", {"key": "$request.path.key"}, None),
        }
        for status in ("200", "201")
    },
}


def postprocess_links(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Add ``LINKS`` to the responses they start from."""
    responses = {
        (operation["operationId"], status): response
        for path in result.get("paths", {}).values()
        for operation in path.values()
        for status, response in operation.get("responses", {}).items()
    }
    for (operation_id, status), links in LINKS.items():
        response = responses[(operation_id, status)]
        response["links"] = {
            name: {
                "operationId": target,
                **({"parameters": parameters} if parameters else {}),
                **({"requestBody": body} if body is not None else {}),
            }
            for name, (target, parameters, body) in links.items()
        }
    return result
