"""The README is a short front door to docs/, and the docs list every environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_LINES = 300


def _table_variables(page: Path) -> set[str]:
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", page.read_text(), flags=re.MULTILINE))


def _relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [t for t in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize(
    ("source", "reads", "page"),
    [
        ("api_project/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', "configuration.md"),
        ("api_project/settings_stores.py", r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', "configuration.md"),
        ("deploy/gunicorn.conf.py", r'(?:environ\.get|_integer)\(\s*"([A-Z][A-Z0-9_]+)"', "deployment.md"),
    ],
)
def test_every_environment_variable_read_is_in_its_page(source, reads, page):
    read = set(re.findall(reads, (ROOT / source).read_text()))
    documented = _table_variables(DOCS / page)
    assert read, f"no environment variables found in {source}"
    assert read - documented == set(), "undocumented: " + ", ".join(sorted(read - documented))


def test_readme_is_at_most_300_lines():
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to a page under docs/"


def test_readme_links_every_docs_page():
    linked = {(README.parent / link.partition("#")[0]).resolve() for link in _relative_links(README)}
    pages = {page.resolve() for page in DOCS.glob("*.md")}
    assert pages, "no pages under docs/"
    assert pages - linked == set(), "not linked from README.md: " + ", ".join(
        sorted(p.name for p in pages - linked)
    )


def test_every_relative_link_of_the_docs_resolves():
    pages = [README, *DOCS.glob("*.md"), ROOT / "benchmarks" / "RESULTS.md"]
    broken = [
        f"{page.relative_to(ROOT)}: {link}"
        for page in pages
        if page.exists()
        for link in _relative_links(page)
        if link.partition("#")[0] and not (page.parent / link.partition("#")[0]).exists()
    ]
    assert broken == [], "broken links: " + "; ".join(broken)
