"""A live service under gunicorn, started on a free port and stopped by its PID."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.services import POSTGRES_URL, free_port, port_open, postgres_admin, unique_name

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
TEST_SECRET_KEY = "tests-only-insecure-key-0123456789abcdefghijklmnopqrstuvwxyz"

BASE_ENV = {
    "SECRET_KEY": TEST_SECRET_KEY,
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOGIN_FAILURES_PER_ADDRESS": "100000",  # every test logs in (and registers) from 127.0.0.1
    "REGISTRATIONS_PER_ADDRESS": "100000",
    "AUDIT_LOG_LEVEL": "INFO",
    # Django's advice for tests: a fast hasher. Tests about hashing ask for ARGON2_ENV instead.
    "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
}
ARGON2_ENV = {
    "PASSWORD_HASHERS": "django.contrib.auth.hashers.Argon2PasswordHasher,"
    "django.contrib.auth.hashers.PBKDF2PasswordHasher"
}


def service_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Return the environment of a service process: ours, minus anything the shell exported for tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_", "DATABASE_", "REDIS_"))}
    env.update(BASE_ENV)
    env.update(overrides or {})
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def stop_process(process: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> None:
    """Stop a process we started: the signal, ten seconds' grace, then SIGKILL."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Databases:
    """Migrated template databases, cloned for each server (far faster than migrating each)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._sqlite_template: Path | None = None
        self._postgres_template: str | None = None
        self._postgres_names: list[str] = []

    def sqlite_url(self) -> str:
        if self._sqlite_template is None:
            template = self.workdir / "template.sqlite3"
            manage(service_env({"DATABASE_URL": f"sqlite:///{template}"}), "migrate", "--noinput", "-v0")
            self._sqlite_template = template
        copy = self.workdir / f"{unique_name('db')}.sqlite3"
        shutil.copy(self._sqlite_template, copy)
        return f"sqlite:///{copy}"

    def postgres_url(self) -> str:
        base = POSTGRES_URL.rsplit("/", 1)[0]
        if self._postgres_template is None:
            name = unique_name("sessauth_template")
            postgres_admin(f'CREATE DATABASE "{name}"')
            self._postgres_names.append(name)
            manage(service_env({"DATABASE_URL": f"{base}/{name}"}), "migrate", "--noinput", "-v0")
            self._postgres_template = name
        name = unique_name("sessauth_test")
        postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._postgres_template}"')
        self._postgres_names.append(name)
        return f"{base}/{name}"

    def drop_all(self) -> None:
        for name in reversed(self._postgres_names):
            try:
                postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as exc:
                print(f"could not drop {name}: {exc}", file=sys.stderr)


class LiveServer:
    """gunicorn serving the API with the given environment."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        workers: int = 2,
        threads: int = 8,
        command: list[str] | None = None,
        cwd: Path = ROOT,
    ) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.command = command  # another way to start it (the Dockerfile's CMD), binding self.port
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self._shell: subprocess.Popen[str] | None = None

    def gunicorn_command(self) -> list[str]:
        return [
            GUNICORN,
            "api_project.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            # Longer than httpx's own 5 s: the client drops an idle connection before the server does,
            # so no request is ever sent on a connection gunicorn is closing at that moment.
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            # As the image does (deploy/gunicorn.conf.py): the app is imported once, before the fork.
            "--preload",
        ]

    def start(self, timeout: float = 30.0) -> LiveServer:
        command = self.command or self.gunicorn_command()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=self.cwd, env=self.env, stdout=self._log, stderr=self._log
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {self.log_tail()}")
            if port_open("127.0.0.1", self.port) and self._answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not come up in {timeout}s: {self.log_tail()}")

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url + "/api/v1/auth/csrf", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        self._stop_shell()
        if self.process is not None:
            stop_process(self.process, signal.SIGQUIT)  # gunicorn's quick shutdown: tests need no grace
        if hasattr(self, "_log"):
            self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return manage(self.env, *args, check=check)

    def shell(self, code: str) -> str:
        """Run Python in the service's Django (for set-up a user cannot do over HTTP, e.g. staff users).

        Each call runs in a fresh process forked from one that set Django up once
        (tests/support/django_shell.py); an exception in the code raises CalledProcessError.
        """
        shell = self._django_shell()
        assert shell.stdin is not None and shell.stdout is not None
        shell.stdin.write(json.dumps(code) + "\n")
        shell.stdin.flush()
        line = shell.stdout.readline()
        if not line:
            raise RuntimeError(f"the Django shell exited with {shell.wait()}: {self.log_tail()}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise subprocess.CalledProcessError(1, ["shell"], answer["stdout"], answer["error"])
        return str(answer["stdout"])

    def _django_shell(self) -> subprocess.Popen[str]:
        """Return this server's shell process, started (again) on first use or when it ended."""
        if self._shell is not None and self._shell.poll() is None:
            return self._shell
        self._stop_shell()
        self._shell_log = open(self.log_path, "a")  # noqa: SIM115 - closed in _stop_shell()
        self._shell = subprocess.Popen(
            [PYTHON, "-m", "tests.support.django_shell"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._shell_log,
            text=True,
        )
        return self._shell

    def _stop_shell(self) -> None:
        if self._shell is not None:
            assert self._shell.stdin is not None
            self._shell.stdin.close()  # it ends when its stdin does
            stop_process(self._shell)
            self._shell_log.close()
            self._shell = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
