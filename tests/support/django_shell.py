"""Run Python in the service's Django for the tests, paying Django's start-up once per server.

``LiveServer.shell()`` used to start ``manage.py shell -c`` for each piece of set-up: 1.2 s of start-up
a call, a fifth of a black-box module's time. This process sets Django up once, with the server's
environment, and runs each piece of code in a child forked for it. The parent opens no connection and
runs no code of the tests, so every child starts as a fresh ``manage.py shell`` would: no database or
Redis connection, no module-level state left by an earlier call.

Protocol: one JSON string (the code) per line on stdin; one JSON object per line on stdout, with
``ok``, ``stdout`` (what the code printed) and ``error`` (its traceback).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import traceback
from typing import Any

TIMEOUT_SECONDS = 120  # what subprocess.run allowed the manage.py shell it replaces


def run(code: str) -> dict[str, Any]:
    from django.db import connections

    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "<shell>", "exec"), {"__name__": "__main__"})  # noqa: S102 - the tests' own code
    except BaseException:
        return {"ok": False, "stdout": printed.getvalue(), "error": traceback.format_exc()}
    finally:
        connections.close_all()
    return {"ok": True, "stdout": printed.getvalue(), "error": ""}


def child(code: str, answer_fd: int) -> None:
    os.dup2(2, 1)  # nothing the code writes reaches the protocol's stdout
    signal.alarm(TIMEOUT_SECONDS)
    with os.fdopen(answer_fd, "w") as answer:
        json.dump(run(code), answer)


def serve() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api_project.settings")
    import django

    django.setup()
    for line in sys.stdin:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            try:
                child(json.loads(line), write_fd)
            finally:
                os._exit(0)
        os.close(write_fd)
        with os.fdopen(read_fd) as answer:
            text = answer.read()
        _, status = os.waitpid(pid, 0)
        died = {"ok": False, "stdout": "", "error": f"the shell's child died (wait status {status})"}
        sys.stdout.write((text or json.dumps(died)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
