"""Run scripts/curl_flow.sh against a live service and read the steps it printed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "curl_flow.sh"
_STEP = re.compile(r"^(\d{3}) ([A-Z]+) +(\S+) +(.+)$")

# The first lines of each transport's flow: the shortest tour of the API.
BASICS = [
    (200, "GET", "/auth/csrf"),
    (200, "POST", "/auth/login"),
    (200, "GET", "/auth/session"),
    (204, "POST", "/auth/logout"),
    (401, "GET", "/auth/session"),
]


@dataclass(frozen=True)
class Step:
    status: int
    method: str
    path: str
    what: str


def require_tools() -> None:
    """Skip when curl or jq is missing, or fail under CI, where the machine must have them."""
    missing = [tool for tool in ("curl", "jq") if shutil.which(tool) is None]
    if missing:
        message = f"scripts/curl_flow.sh needs {' and '.join(missing)}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def run_curl_flow(base_url: str, staff: tuple[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the script as a user would, with only PATH and the staff credentials in its environment."""
    require_tools()
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    if staff:
        env |= {"STAFF_USERNAME": staff[0], "STAFF_PASSWORD": staff[1]}
    return subprocess.run(
        ["bash", str(SCRIPT), base_url], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def sections(output: str) -> dict[str, list[Step]]:
    """Return the steps under each "== title" line, keyed by the title's first word."""
    found: dict[str, list[Step]] = {}
    current: list[Step] = []
    for line in output.splitlines():
        if line.startswith("== "):
            current = found.setdefault(line[3:].split()[0], [])
        elif match := _STEP.match(line):
            current.append(Step(int(match[1]), match[2], match[3], match[4]))
    return found


def contract_operations() -> list[tuple[str, re.Pattern[str], str]]:
    """Return (method, path pattern, tag) of every operation in openapi.yaml, paths under /api/v1."""
    schema = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    operations = []
    for path, methods in schema["paths"].items():
        relative = path.removeprefix("/api/v1")
        pattern = re.compile("^" + re.sub(r"\\\{\w+\\\}", r"[^/?]+", re.escape(relative)) + r"(\?.*)?$")
        for method, operation in methods.items():
            operations.append((method.upper(), pattern, operation["tags"][0]))
    return operations


def missing_operations(steps: list[Step], *, tag: str | None = None) -> list[str]:
    """Return the contract's operations that no step called: those of `tag`, or all but "operations"."""
    missing = []
    for method, pattern, operation_tag in contract_operations():
        wanted = operation_tag == tag if tag else operation_tag != "operations"
        if wanted and not any(s.method == method and pattern.match(s.path) for s in steps):
            missing.append(f"{method} {pattern.pattern}")
    return missing
