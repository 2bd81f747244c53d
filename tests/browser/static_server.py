"""A static file server for the SPA, on a free port of its own origin, stopped by its PID."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.support.server import stop_process
from tests.support.services import free_port, port_open


class StaticServer:
    """``python -m http.server`` serving one folder (the SPA) on 127.0.0.1."""

    def __init__(self, directory: Path, log_path: Path, host_name: str = "localhost") -> None:
        self.directory = directory
        self.log_path = log_path
        self.port = free_port()
        self.origin = f"http://{host_name}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> StaticServer:
        command = [sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1"]
        command += ["--directory", str(self.directory)]
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"static server exited with {self.process.returncode}")
            if port_open("127.0.0.1", self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"static server did not listen on {self.port} within {timeout}s")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        if hasattr(self, "_log"):
            self._log.close()
