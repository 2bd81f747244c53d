from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.unavailable_status_enum import (
    UnavailableStatusEnum,
    check_unavailable_status_enum,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.unavailable_checks import UnavailableChecks
    from ..models.unavailable_fields import UnavailableFields


T = TypeVar("T", bound="Unavailable")


@_attrs_define
class Unavailable:
    """
    Attributes:
        code (str): A stable snake_case code, e.g. invalid_credentials.
        detail (str): A sentence for a person.
        fields (UnavailableFields | Unset): Only on validation errors: messages per input field.
        status (UnavailableStatusEnum | Unset): * `unavailable` - unavailable
        checks (UnavailableChecks | Unset):
    """

    code: str
    detail: str
    fields: UnavailableFields | Unset = UNSET
    status: UnavailableStatusEnum | Unset = UNSET
    checks: UnavailableChecks | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        checks: dict[str, Any] | Unset = UNSET
        if not isinstance(self.checks, Unset):
            checks = self.checks.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
            }
        )
        if fields is not UNSET:
            field_dict["fields"] = fields
        if status is not UNSET:
            field_dict["status"] = status
        if checks is not UNSET:
            field_dict["checks"] = checks

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.unavailable_checks import UnavailableChecks
        from ..models.unavailable_fields import UnavailableFields

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        _fields = d.pop("fields", UNSET)
        fields: UnavailableFields | Unset
        if isinstance(_fields, Unset):
            fields = UNSET
        else:
            fields = UnavailableFields.from_dict(_fields)

        _status = d.pop("status", UNSET)
        status: UnavailableStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_unavailable_status_enum(_status)

        _checks = d.pop("checks", UNSET)
        checks: UnavailableChecks | Unset
        if isinstance(_checks, Unset):
            checks = UNSET
        else:
            checks = UnavailableChecks.from_dict(_checks)

        unavailable = cls(
            code=code,
            detail=detail,
            fields=fields,
            status=status,
            checks=checks,
        )

        unavailable.additional_properties = d
        return unavailable

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
