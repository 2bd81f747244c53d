"""The base of every API view: JSON in and out, CSRF checked on every unsafe cookie-transport request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.views import APIView


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = "CSRF check failed: send the token from GET /api/v1/auth/csrf as X-CSRFToken."
    default_code = "csrf_failed"


def _no_response(request: HttpRequest) -> HttpResponse:
    return HttpResponse()  # never called: CSRFCheck only needs something to wrap


class ApiView(APIView):
    """DRF's SessionAuthentication checks CSRF for signed-in users only; we check it for everyone."""

    check_csrf_in_initial = True  # the login view checks it after reading which transport it wants

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if self.check_csrf_in_initial and request.method not in SAFE_METHODS:
            self.check_csrf(request)
        super().initial(request, *args, **kwargs)

    def get_authenticate_header(self, request: Request) -> str:
        # DRF turns 401 into 403 on views without an authenticator (login, logout): never here.
        return 'Session realm="api"'

    def check_csrf(self, request: Request) -> None:
        """Refuse an unsafe request on the cookie transport without a valid X-CSRFToken."""
        if getattr(request._request, "session_transport", "cookie") != "cookie":
            return
        check = CSRFCheck(_no_response)
        check.process_request(request._request)
        reason = check.process_view(request._request, _no_response, (), {})  # DRF's CSRFCheck: a reason
        if reason:
            raise CsrfFailed(f"CSRF check failed: {str(reason).rstrip('.')}.")
