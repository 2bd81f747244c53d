from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.transport_enum import TransportEnum, check_transport_enum
from ..types import UNSET, Unset

T = TypeVar("T", bound="LoginInputRequest")


@_attrs_define
class LoginInputRequest:
    """
    Attributes:
        username (str):
        password (str):
        transport (TransportEnum | Unset): * `cookie` - cookie
            * `header` - header Default: 'cookie'.
    """

    username: str
    password: str
    transport: TransportEnum | Unset = "cookie"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        password = self.password

        transport: str | Unset = UNSET
        if not isinstance(self.transport, Unset):
            transport = self.transport

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "password": password,
            }
        )
        if transport is not UNSET:
            field_dict["transport"] = transport

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        username = d.pop("username")

        password = d.pop("password")

        _transport = d.pop("transport", UNSET)
        transport: TransportEnum | Unset
        if isinstance(_transport, Unset):
            transport = UNSET
        else:
            transport = check_transport_enum(_transport)

        login_input_request = cls(
            username=username,
            password=password,
            transport=transport,
        )

        login_input_request.additional_properties = d
        return login_input_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
