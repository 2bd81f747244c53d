from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ExpiryInputRequest")


@_attrs_define
class ExpiryInputRequest:
    """
    Attributes:
        seconds (int | Unset): Expire after n idle seconds.
        expires_at (datetime.datetime | Unset): Expire at this time (UTC if no offset).
        browser_close (bool | Unset): true: expire when the browser closes.
        default (bool | Unset): true: back to the service's default.
    """

    seconds: int | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    browser_close: bool | Unset = UNSET
    default: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seconds = self.seconds

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        browser_close = self.browser_close

        default = self.default

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if seconds is not UNSET:
            field_dict["seconds"] = seconds
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if browser_close is not UNSET:
            field_dict["browser_close"] = browser_close
        if default is not UNSET:
            field_dict["default"] = default

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        seconds = d.pop("seconds", UNSET)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        browser_close = d.pop("browser_close", UNSET)

        default = d.pop("default", UNSET)

        expiry_input_request = cls(
            seconds=seconds,
            expires_at=expires_at,
            browser_close=browser_close,
            default=default,
        )

        expiry_input_request.additional_properties = d
        return expiry_input_request

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
