"""Who the client is: its address, behind as many trusted proxies as the settings say."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

RECORDED_PREFIX = {4: 24, 6: 48}  # SESSION_RECORD_IP=truncated keeps this much of an address


def address_network(address: str, prefixes: dict[int, int]) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Return the network of this many leading bits (per IP version) around an address.

    An IPv4 address mapped into IPv6 (``::ffff:192.0.2.1``) counts as the IPv4 address it is.
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ipaddress.ip_network((ip, prefixes[ip.version]), strict=False)


def recorded_address(address: str | None) -> str | None:
    """Return what the session registry keeps of a client address (``SESSION_RECORD_IP``)."""
    if address is None or settings.SESSION_RECORD_IP == "off":
        return None
    if settings.SESSION_RECORD_IP == "full":
        return address
    return str(address_network(address, RECORDED_PREFIX).network_address)


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
