"""Read the Dockerfile, so the tests install and start the project exactly as the image does.

Only what our Dockerfile uses: stages (``FROM x AS y``, a stage built on an earlier one inherits its
ENV), ``ENV``, ``RUN``, ``COPY``, ``HEALTHCHECK ... CMD [...]`` and ``CMD [...]`` in exec form.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass
class Stage:
    name: str
    env: dict[str, str] = field(default_factory=dict)
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        """Return the arguments of every instruction of that kind, in order."""
        return [args for name, args in self.instructions if name == instruction]

    def runs_containing(self, text: str) -> list[str]:
        """Return the shell commands, of the RUN lines' `&&` parts, that contain `text`, in order."""
        return [part.strip() for run in self.all("RUN") for part in run.split("&&") if text in part]

    def run_containing(self, text: str) -> str:
        """Return the one shell command, of the RUN lines' `&&` parts, that contains `text`."""
        parts = self.runs_containing(text)
        assert len(parts) == 1, f"expected one RUN command with {text!r}, found {parts}"
        return parts[0]

    def exec_form(self, instruction: str) -> list[str]:
        """Return the last CMD (or HEALTHCHECK's CMD) of this stage as an argument list."""
        args = self.all(instruction)[-1]
        return json.loads(args[args.index("[") :])


def instructions(text: str) -> list[tuple[str, str]]:
    """Return (INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    pairs = []
    for line in joined.splitlines():
        if line.strip():
            name, _, args = line.strip().partition(" ")
            pairs.append((name.upper(), args.strip()))
    return pairs


def expand(value: str, env: dict[str, str]) -> str:
    """Replace $NAME and ${NAME} as Docker does in ENV, from the variables known so far."""
    return _VARIABLE.sub(lambda m: env.get(m.group(1) or m.group(2), ""), value)


def parse(path: Path, base_env: dict[str, str]) -> list[Stage]:
    """Return the stages of a Dockerfile; `base_env` is the base image's environment (its PATH)."""
    stages: list[Stage] = []
    for name, args in instructions(path.read_text()):
        if name == "FROM":
            image, _, alias = args.partition(" AS ")
            parent = next((s for s in stages if s.name == image.strip()), None)
            env = dict(parent.env if parent else base_env)
            stages.append(Stage(alias.strip() or image.strip(), env))
            continue
        stage = stages[-1]
        stage.instructions.append((name, args))
        if name == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                stage.env[key] = expand(value, stage.env)
    return stages


def translate(value: str, paths: dict[str, Path]) -> str:
    """Point the image's absolute paths (/app, /opt/venv) at the directories standing in for them."""
    for prefix, directory in paths.items():
        value = re.sub(rf"(?<![\w/.-]){re.escape(prefix)}(?=/|:|$)", str(directory), value)
    return value
