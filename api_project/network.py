"""Who the client is: its address, behind as many trusted proxies as the settings say."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """Return the client's IP: REMOTE_ADDR, or the NUM_PROXIES-th X-Forwarded-For hop from the right."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops > 0 and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        address = chain[-min(hops, len(chain))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
