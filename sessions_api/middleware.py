"""Session middleware for two transports: the cookie, and the ``X-Session-Token`` header.

A request that carries ``X-Session-Token`` (even empty, to start a new session) is on the header
transport: no cookie is read or set, and whenever the session's key changes the new one goes back in
the ``X-Session-Token`` response header. Every other request is on the cookie transport, which is
Django's own behaviour.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sessions import middleware
from django.contrib.sessions.backends.base import SessionBase, UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from api_project.errors import STORE_ERRORS, json_error, service_unavailable_response

TOKEN_HEADER = "X-Session-Token"  # noqa: S105 - a header name, not a secret
_TOKEN_META = "HTTP_X_SESSION_TOKEN"  # noqa: S105

logger = logging.getLogger(__name__)


def request_transport(request: HttpRequest) -> str:
    """Return the transport of a request: 'header' when it carries X-Session-Token, else 'cookie'."""
    return "header" if _TOKEN_META in request.META else "cookie"


class SessionMiddleware(middleware.SessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request.session_transport = request_transport(request)  # type: ignore[attr-defined]
        if request.session_transport == "header":  # type: ignore[attr-defined]
            sent = request.META[_TOKEN_META].strip() or None
        else:
            sent = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        request.session_key_sent = sent  # type: ignore[attr-defined]
        request.session = self.SessionStore(sent)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not hasattr(request, "session"):
            return response
        if request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store"
        try:
            if getattr(request, "session_transport", "cookie") == "header":
                return self._respond_with_token(request, response)
            return super().process_response(request, response)
        except SessionInterrupted:
            return json_error(
                401,
                "not_authenticated",
                "The session was ended by another request while this one ran; nothing was saved.",
            )
        except STORE_ERRORS as exc:
            logger.warning("session store unavailable on save: %s", exc.__class__.__name__)
            return service_unavailable_response()

    def _respond_with_token(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = request.session
        if session.accessed:
            patch_vary_headers(response, (TOKEN_HEADER,))
        if session.modified and not session.is_empty() and response.status_code < 500:
            self._save(session)
        key = session.session_key
        if key and key != request.session_key_sent:  # type: ignore[attr-defined]
            response[TOKEN_HEADER] = key
        return response

    @staticmethod
    def _save(session: SessionBase) -> None:
        try:
            session.save()
        except UpdateError as exc:
            raise SessionInterrupted from exc
