from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.policy_enum import PolicyEnum, check_policy_enum

T = TypeVar("T", bound="ExpiryOutput")


@_attrs_define
class ExpiryOutput:
    """
    Attributes:
        expiry_age (int): Seconds until the session expires.
        expiry_date (datetime.datetime):
        expire_at_browser_close (bool):
        policy (PolicyEnum): * `default` - default
            * `seconds` - seconds
            * `datetime` - datetime
            * `browser_close` - browser_close
    """

    expiry_age: int
    expiry_date: datetime.datetime
    expire_at_browser_close: bool
    policy: PolicyEnum
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expiry_age = self.expiry_age

        expiry_date = self.expiry_date.isoformat()

        expire_at_browser_close = self.expire_at_browser_close

        policy: str = self.policy

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expiry_age": expiry_age,
                "expiry_date": expiry_date,
                "expire_at_browser_close": expire_at_browser_close,
                "policy": policy,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        expiry_age = d.pop("expiry_age")

        expiry_date = datetime.datetime.fromisoformat(d.pop("expiry_date"))

        expire_at_browser_close = d.pop("expire_at_browser_close")

        policy = check_policy_enum(d.pop("policy"))

        expiry_output = cls(
            expiry_age=expiry_age,
            expiry_date=expiry_date,
            expire_at_browser_close=expire_at_browser_close,
            policy=policy,
        )

        expiry_output.additional_properties = d
        return expiry_output

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
