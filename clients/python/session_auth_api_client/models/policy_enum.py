from typing import Literal

PolicyEnum = Literal["browser_close", "datetime", "default", "seconds"]

POLICY_ENUM_VALUES: set[PolicyEnum] = {
    "browser_close",
    "datetime",
    "default",
    "seconds",
}


def check_policy_enum(value: str) -> PolicyEnum:
    if value in POLICY_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {POLICY_ENUM_VALUES!r}"
    )
