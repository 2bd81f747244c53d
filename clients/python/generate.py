"""Generate session_auth_api_client from openapi.yaml with openapi-python-client (`make clients`).

    python clients/python/generate.py [--schema openapi.yaml] [--output DIR]

tests/clients/test_python_sdk.py runs it into a temporary directory and compares with the committed code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the Python client from openapi.yaml.")
    parser.add_argument("--schema", type=Path, default=HERE.parents[1] / "openapi.yaml")
    parser.add_argument("--output", type=Path, default=HERE / "session_auth_api_client")
    args = parser.parse_args(argv)
    # The generator, and the ruff its post hooks run, of this interpreter's environment.
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        *("generate", "--path", str(args.schema), "--meta", "none", "--fail-on-warning"),
        *("--config", str(HERE / "generator.yaml"), "--output-path", str(args.output), "--overwrite"),
    ]
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603 - our own arguments


if __name__ == "__main__":
    sys.exit(main())
