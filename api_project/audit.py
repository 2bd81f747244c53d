"""The audit trail: one JSON log line per security event, never a password or a session key."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from api_project.network import client_address

logger = logging.getLogger("audit")


def audit_log(
    event: str, *, request: HttpRequest | None, user_id: Any = None, session_id: Any = None, **fields: Any
) -> None:
    """Write one audit line: the event, who, which session, from where (when there is a request)."""
    logger.info(
        event,
        extra={
            "event": event,
            "user_id": user_id,
            "session_id": session_id,
            "ip": client_address(request) if request is not None else None,
            "user_agent": request.headers.get("User-Agent", "")[:256] if request is not None else "",
            **fields,
        },
    )
