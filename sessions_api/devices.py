"""What a User-Agent says of its device, read by ua-parser (uap-core's maintained patterns)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import ua_parser

FAMILY_MAX = 64  # the longest family uap-core names is far shorter; a hostile agent's is cut here


class Device(NamedTuple):
    browser: str
    os: str
    device: str


@lru_cache(maxsize=4096)
def device_of(user_agent: str) -> Device:
    """Return the browser, OS and device families of a User-Agent ("Other" where it says nothing).

    Parsed once per distinct User-Agent in a process: a list of sessions repeats a handful of them.
    """
    parsed = ua_parser.parse(user_agent).with_defaults()
    return Device(
        parsed.user_agent.family[:FAMILY_MAX],
        parsed.os.family[:FAMILY_MAX],
        parsed.device.family[:FAMILY_MAX],
    )
