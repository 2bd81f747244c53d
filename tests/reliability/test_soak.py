"""A short soak in CI: the traffic of ``make soak`` (benchmarks/soak.py) for ``SOAK_SECONDS`` (30 s)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.server import Databases, LiveServer, service_env
from tests.support.services import require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("SOAK_SECONDS", "30"))


def load_soak() -> ModuleType:
    spec = importlib.util.spec_from_file_location("soak", ROOT / "benchmarks" / "soak.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["soak"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.serial
def test_a_short_soak_answers_no_5xx_loses_no_write_and_does_not_grow(databases: Databases, tmp_path):
    require_postgres()
    require_redis()
    soak = load_soak()
    env = service_env(soak.service_settings("cached_db", databases.postgres_url()))
    server = LiveServer(env, tmp_path / "gunicorn.log").start()
    try:
        assert server.process is not None
        figures = soak.soak(server.url, master_pid=server.process.pid, duration=SECONDS, users=6)
    finally:
        server.stop()
    print(json.dumps(figures.summary()))
    assert figures.requests > 20 * SECONDS, "too little traffic to tell anything"
    assert figures.acknowledged_writes > 0 and figures.actions["revoke"] > 0
    assert figures.failures() == []
