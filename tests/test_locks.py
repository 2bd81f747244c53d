"""The locks (requirements/) pin every dependency pyproject.toml names, within its range, with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Each lock and the extras it holds; every lock also holds the `build` group (setuptools).
LOCKS = {"base.txt": [], "dev.txt": ["dev"], "bench.txt": ["dev", "bench"]}
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)")


def pins(lock: str) -> dict[str, set[str]]:
    """Return the versions the lock pins for each package (two where they differ by Python version)."""
    text = (ROOT / "requirements" / lock).read_text().replace("\\\n", " ")
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        if match := _PIN.match(line):
            assert "--hash=sha256:" in line, f"{lock}: {match[1]} has no hash"
            found.setdefault(canonicalize_name(match[1]), set()).add(match[2])
    return found


def declared(extras: list[str]) -> list[Requirement]:
    """Return the requirements pyproject.toml declares for the project with these extras."""
    names = PYPROJECT["project"]["dependencies"] + PYPROJECT["dependency-groups"]["build"]
    names += [name for extra in extras for name in PYPROJECT["project"]["optional-dependencies"][extra]]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_the_lock_pins_every_declared_dependency_within_its_range(lock, extras):
    pinned = pins(lock)
    missing = [str(r) for r in declared(extras) if canonicalize_name(r.name) not in pinned]
    outside = [
        f"{r.name}=={version} not in {r.specifier}"
        for r in declared(extras)
        for version in pinned.get(canonicalize_name(r.name), ())
        if not r.specifier.contains(version, prereleases=True)
    ]
    assert missing == outside == [], f"run `make lock`: {lock} is behind pyproject.toml: {missing + outside}"


@pytest.mark.parametrize(("smaller", "bigger"), [("base.txt", "dev.txt"), ("dev.txt", "bench.txt")])
def test_a_package_has_the_same_versions_in_every_lock(smaller, bigger):
    small, big = pins(smaller), pins(bigger)
    differing = {
        name: (versions, big.get(name)) for name, versions in small.items() if big.get(name) != versions
    }
    assert differing == {}, f"run `make lock`: {smaller} and {bigger} disagree"
