from typing import Literal

UnavailableStatusEnum = Literal["unavailable"]

UNAVAILABLE_STATUS_ENUM_VALUES: set[UnavailableStatusEnum] = {
    "unavailable",
}


def check_unavailable_status_enum(value: str) -> UnavailableStatusEnum:
    if value in UNAVAILABLE_STATUS_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {UNAVAILABLE_STATUS_ENUM_VALUES!r}"
    )
