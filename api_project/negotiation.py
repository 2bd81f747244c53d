"""DRF's content negotiation, with the answer for the usual request worked out without parsing."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request

_PLAIN_ACCEPTS = frozenset({"", "*/*", "application/json"})


class ContentNegotiation(DefaultContentNegotiation):
    """Pick JSON at once when the client accepts anything or JSON: DRF's own answer, without the parsing."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: Any = None) -> Any:
        first = renderers[0] if renderers else None
        if (
            first is not None
            and first.media_type == "application/json"
            and format_suffix is None
            and request.META.get("HTTP_ACCEPT", "") in _PLAIN_ACCEPTS
            and "format=" not in request.META.get("QUERY_STRING", "")
        ):
            return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
