"""The TypeScript client (clients/typescript): built from a clean install, typed from openapi.yaml, and
run by Node's test runner against a live service, and against one whose store is down."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.clients import PASSWORD, make_staff
from tests.support.server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "clients" / "typescript"


def require_node() -> str:
    """Return npm's path; skip without Node.js (fail under CI=true, which must have it)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Node.js and npm are needed for the TypeScript client's tests")
        pytest.skip("Node.js and npm are not installed")
    return npm


def npm(package: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [require_node(), *args], cwd=package, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"npm {' '.join(args)}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with its locked dependencies installed (npm ci) and built (tsc, strict)."""
    require_node()
    package = tmp_path_factory.mktemp("typescript") / "client"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("node_modules", "dist"))
    (package.parent.parent / "openapi.yaml").write_text((ROOT / "openapi.yaml").read_text())
    npm(package, "ci", "--no-audit", "--no-fund")
    npm(package, "run", "build")
    return package


def test_the_generated_types_are_those_of_openapi_yaml(built: Path) -> None:
    npm(built, "run", "generate")  # from the copy of openapi.yaml two levels up, as in the repository
    fresh = (built / "src" / "schema.ts").read_text()
    assert fresh == (PACKAGE / "src" / "schema.ts").read_text(), "run `make clients` and commit the result"


def test_the_spa_copy_of_the_client_is_the_built_one(built: Path) -> None:
    npm(built, "run", "spa")  # into examples/spa/sdk two levels up, as in the repository
    fresh = built.parent.parent / "examples" / "spa" / "sdk"
    for name in ("session-client.js", "openapi-fetch.js", "openapi-fetch.LICENSE"):
        committed = ROOT / "examples" / "spa" / "sdk" / name
        assert (fresh / name).read_text() == committed.read_text(), "run `make clients` and commit the result"


def test_every_operation_of_the_schema_has_a_method() -> None:
    operations = set(re.findall(r"operationId: (\w+)", (ROOT / "openapi.yaml").read_text()))
    methods = set(re.findall(r"^  async (\w+)\(", (PACKAGE / "src" / "index.ts").read_text(), re.MULTILINE))
    wanted = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), name) for name in operations}
    assert wanted - methods == set(), "operations without a method in clients/typescript/src/index.ts"


def test_the_client_passes_its_own_tests_against_the_live_service(
    built: Path, sdk_server: LiveServer
) -> None:
    env = {
        **os.environ,
        "API_URL": sdk_server.url,
        "PASSWORD": PASSWORD,
        "STAFF_USERNAME": make_staff(sdk_server),
    }
    done = node_test(built, "test/", env)
    assert int(re.search(r"# pass (\d+)", done.stdout).group(1)) >= 5, done.stdout  # type: ignore[union-attr]


def test_the_client_raises_a_503_while_the_store_is_down(built: Path, store_down: LiveServer) -> None:
    done = node_test(built, "test/outage.test.mjs", {**os.environ, "DOWN_API_URL": store_down.url})
    assert "# pass 1" in done.stdout and "# skipped 0" in done.stdout, done.stdout


def node_test(package: Path, path: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run Node's test runner on the built package; fail with its output unless every test passed."""
    done = subprocess.run(
        ["node", "--test", path],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout, done.stdout
    return done
