from typing import Literal

EngineEnum = Literal["cache", "cached_db", "db", "file", "signed_cookies"]

ENGINE_ENUM_VALUES: set[EngineEnum] = {
    "cache",
    "cached_db",
    "db",
    "file",
    "signed_cookies",
}


def check_engine_enum(value: str) -> EngineEnum:
    if value in ENGINE_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ENGINE_ENUM_VALUES!r}"
    )
