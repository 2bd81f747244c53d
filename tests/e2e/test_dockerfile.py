"""The image's commands, run here without Docker: install, collectstatic, migrate, CMD and HEALTHCHECK.

There is no Docker engine on the test machines, so the fixture "builds" the image into a temporary
directory by reading the Dockerfile: a fresh venv with the project installed by the Dockerfile's own
`pip install` arguments (no dev extras), its collectstatic command, its COPY of deploy/, and its
ENV with /opt/venv and /app pointed at the temporary directories. The service then starts with the
Dockerfile's exact CMD, the environment of .env.example and real PostgreSQL and Redis. The install
takes most of this module's time (30-60 s), so it happens once per session.
"""

from __future__ import annotations

import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e import dockerfile
from tests.e2e.curl import missing_operations, run_curl_flow, sections
from tests.support.clients import PASSWORD, new_username
from tests.support.server import LiveServer
from tests.support.services import (
    POSTGRES_URL,
    REDIS_URL,
    free_port,
    postgres_admin,
    require_postgres,
    require_redis,
    unique_name,
)

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Image:
    """The image's file system, in a temporary directory, and its stages."""

    stages: list[dockerfile.Stage]
    paths: dict[str, Path]

    @property
    def runtime(self) -> dockerfile.Stage:
        return self.stages[-1]

    def env(self, stage: dockerfile.Stage) -> dict[str, str]:
        return {key: dockerfile.translate(value, self.paths) for key, value in stage.env.items()}

    def command(self, instruction: str) -> list[str]:
        return [dockerfile.translate(arg, self.paths) for arg in self.runtime.exec_form(instruction)]


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """Run a build or set-up command; on failure show its output."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, **kwargs)
    assert result.returncode == 0, f"{shlex.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def build_stage(image: Image) -> dockerfile.Stage:
    return next(stage for stage in image.stages if "collectstatic" in " ".join(stage.all("RUN")))


def pip_installs(image: Image) -> list[list[str]]:
    """Return the arguments of the build stage's `pip install` commands, in order."""
    return [shlex.split(command)[1:] for command in build_stage(image).runs_containing("pip install")]


def install(image: Image) -> None:
    """Install the project into a fresh venv with the Dockerfile's own `pip install` arguments.

    The venv is made without pip and filled by this interpreter's pip (`--python`): the same install,
    without the seconds that ensurepip costs.
    """
    venv = image.paths["/opt/venv"]
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    for pip_arguments in pip_installs(image):
        run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), *pip_arguments], cwd=ROOT)


def collect_static(image: Image) -> None:
    stage = build_stage(image)
    run(["sh", "-c", stage.run_containing("collectstatic")], env=image.env(stage), cwd=ROOT)


def copy_files(image: Image) -> None:
    """Copy what the final stage copies from the build context (the rest comes from the build stage)."""
    for args in image.runtime.all("COPY"):
        if args.startswith("--from="):
            continue  # /opt/venv and /app/staticfiles: built in place above
        *sources, destination = shlex.split(args)
        target = Path(dockerfile.translate(destination, image.paths))
        target.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copy(ROOT / source, target)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """The image, built into a temporary directory."""
    root = tmp_path_factory.mktemp("image")
    base_env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(root)}
    built = Image(
        dockerfile.parse(ROOT / "Dockerfile", base_env),
        {"/opt/venv": root / "opt-venv", "/app": root / "app"},
    )
    install(built)
    collect_static(built)
    copy_files(built)
    return built


def env_file(path: Path) -> dict[str, str]:
    """Return the KEY=VALUE lines of an env file such as .env.example."""
    lines = [line.strip() for line in path.read_text().splitlines()]
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def empty_database() -> Iterator[str]:
    require_postgres()
    require_redis()
    name = unique_name("sessauth_image")
    postgres_admin(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def container_env(image: Image, database_url: str) -> dict[str, str]:
    """The environment of a container started by compose.yaml: the image's ENV, then .env.example,
    with a generated key, the local stores, and a public host name first in ALLOWED_HOSTS."""
    return {
        **image.env(image.runtime),
        **env_file(ROOT / ".env.example"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": unique_name("image"),
        "NUM_PROXIES": "1",
        "ALLOWED_HOSTS": "api.example.test,127.0.0.1",
    }


@pytest.fixture(scope="module")
def image_server(image: Image, empty_database: str, tmp_path_factory) -> Iterator[LiveServer]:
    """The image's CMD serving on a free port, after compose's migrate command."""
    env = container_env(image, empty_database)
    migrate = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["migrate"]["command"]
    run(migrate, env=env, cwd=image.paths["/app"])
    log = tmp_path_factory.mktemp("image-server") / "gunicorn.log"
    server = LiveServer(env, log, command=image.command("CMD"), cwd=image.paths["/app"])
    server.env["GUNICORN_BIND"] = f"127.0.0.1:{server.port}"
    with server:
        yield server


def create_staff(server: LiveServer) -> tuple[str, str]:
    username = new_username("staff")
    env = {**server.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    email = f"{username}@example.test"
    run(["django-admin", "createsuperuser", "--noinput", "--username", username, "--email", email], env=env)
    return username, PASSWORD


def test_the_image_passes_the_whole_curl_flow(image_server):
    result = run_curl_flow(image_server.url, staff=create_staff(image_server))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    steps = sections(result.stdout)
    assert missing_operations(steps["cookie"]) == missing_operations(steps["header"]) == []


def referenced_assets(html: str) -> list[str]:
    """Return the same-site files a documentation page loads: scripts, styles, icon, the schema."""
    found = re.findall(r'(?:src|href|spec-url)="(/[^"]*)"', html) + re.findall(r'url: "(/[^"]*)"', html)
    assert found, html[:500]
    return found


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_and_every_asset_it_references_load(image_server, page):
    html = httpx.get(image_server.url + page)
    assert html.status_code == 200
    for asset in referenced_assets(html.text):
        response = httpx.get(image_server.url + asset)
        assert response.status_code == 200, asset
        if asset.startswith("/static/"):
            # collectstatic's manifest: content-hashed names that browsers may cache for good
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), asset
            assert "immutable" in response.headers["cache-control"], asset


def test_static_files_are_served_compressed(image_server):
    page = httpx.get(image_server.url + "/api/docs/").text
    script = next(a for a in referenced_assets(page) if a.endswith(".js"))
    response = httpx.get(image_server.url + script, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"


def test_the_healthcheck_passes_while_the_service_answers(image, image_server):
    result = subprocess.run(
        image.command("HEALTHCHECK"), env=image_server.env, capture_output=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_the_healthcheck_fails_when_nothing_answers(image, image_server):
    env = {**image_server.env, "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    result = subprocess.run(image.command("HEALTHCHECK"), env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "unhealthy" in result.stderr


def test_the_image_refuses_to_start_without_a_secret_key(image, image_server):
    env = {**image_server.env, "SECRET_KEY": "", "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}
    result = subprocess.run(
        image.command("CMD"), env=env, cwd=image.paths["/app"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "Configuration error: SECRET_KEY is not set" in result.stdout + result.stderr


def test_the_image_has_no_development_dependencies(image):
    python = image.paths["/opt/venv"] / "bin" / "python"
    for module in ("pytest", "ruff", "mypy"):
        found = subprocess.run([python, "-c", f"import {module}"], capture_output=True, timeout=30)
        assert found.returncode != 0, f"{module} is installed in the image"


def test_the_image_installs_the_runtime_lock_with_hashes_then_only_the_project():
    image = Image(dockerfile.parse(ROOT / "Dockerfile", {}), {})
    dependencies, *project = pip_installs(image)
    assert "--require-hashes" in dependencies
    assert dependencies[dependencies.index("-r") + 1] == "requirements/base.txt"
    assert project and all("--no-deps" in arguments for arguments in project)
