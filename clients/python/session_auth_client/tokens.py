"""Where the header transport keeps its session token."""

from __future__ import annotations

from typing import Protocol


class TokenStorage(Protocol):
    """A place for the session token: memory by default; the platform's keyring or secure storage."""

    def get(self) -> str | None: ...

    def set(self, token: str | None) -> None: ...


class MemoryTokenStorage:
    """Keep the token in memory, for as long as the process runs."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token

    def get(self) -> str | None:
        return self.token

    def set(self, token: str | None) -> None:
        self.token = token
