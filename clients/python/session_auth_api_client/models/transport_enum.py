from typing import Literal

TransportEnum = Literal["cookie", "header"]

TRANSPORT_ENUM_VALUES: set[TransportEnum] = {
    "cookie",
    "header",
}


def check_transport_enum(value: str) -> TransportEnum:
    if value in TRANSPORT_ENUM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TRANSPORT_ENUM_VALUES!r}"
    )
