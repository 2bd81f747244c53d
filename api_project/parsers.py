"""The JSON parser of every endpoint: DRF's, refusing JSON the service could not store or send back.

Python's ``json`` accepts three things that are valid JSON text but that no JSON could carry back out:
numbers that overflow to infinity (``1e400``), strings holding a lone UTF-16 surrogate (``"\\ud800"``,
which is no Unicode text and cannot be encoded as UTF-8), and nesting deep enough to exhaust the
interpreter's stack. Each of them used to end in a 500 somewhere later (rendering, sizing, saving);
here they are a 400 ``invalid`` before any view runs.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 128  # levels of arrays and objects in one body, the outermost included
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from exc
        problem = _problem(data)
        if problem:
            raise ParseError(f"JSON parse error - {problem}.")
        return data


def _problem(data: Any) -> str | None:
    """Return what makes parsed JSON unusable, or None; iterative, so depth costs no stack."""
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            if isinstance(value, dict):
                pending.extend((key, depth) for key in value)
                value = value.values()
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and _SURROGATE.search(value):
            return "a string holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"
        elif isinstance(value, float) and not math.isfinite(value):
            return "a number is too large to represent"
    return None
