from typing import Literal

HealthStatusEnum = Literal["ok", "unavailable"]

HEALTH_STATUS_ENUM_VALUES: set[HealthStatusEnum] = {
    "ok",
    "unavailable",
}


def check_health_status_enum(value: str) -> HealthStatusEnum:
    if value in HEALTH_STATUS_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_STATUS_ENUM_VALUES!r}"
    )
