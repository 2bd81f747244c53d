"""The apps stay readable: no module over 400 lines, no function over 40 (migrations aside)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "sessions_api", "api_project")
MODULE_MAX_LINES = 400
FUNCTION_MAX_LINES = 40


def _modules() -> list[Path]:
    return sorted(
        path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
    )


def _long_functions(source: str) -> list[str]:
    """Return ``name (lines)`` of each function in the source longer than the limit, from ``def`` to its end.

    Decorators are not counted: a view's ``@extend_schema`` is its OpenAPI description, not its logic.
    """
    long = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > FUNCTION_MAX_LINES:
                long.append(f"{node.name} ({lines})")
    return long


def test_the_apps_have_modules_to_check():
    assert len(_modules()) > 20


@pytest.mark.parametrize("module", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_module_is_at_most_400_lines(module):
    lines = len(module.read_text().splitlines())
    assert lines <= MODULE_MAX_LINES, f"{module.relative_to(ROOT)} has {lines} lines: split it along a seam"


@pytest.mark.parametrize("module", _modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_function_is_over_40_lines(module):
    assert _long_functions(module.read_text()) == [], f"functions over 40 lines in {module.relative_to(ROOT)}"


def test_a_long_function_is_caught():
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_MAX_LINES))
    assert _long_functions(f"def f():\n{body}\n") == [f"f ({FUNCTION_MAX_LINES + 1})"]
