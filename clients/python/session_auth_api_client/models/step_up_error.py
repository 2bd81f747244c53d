from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reauthenticate import Reauthenticate
    from ..models.step_up_error_fields import StepUpErrorFields


T = TypeVar("T", bound="StepUpError")


@_attrs_define
class StepUpError:
    """
    Attributes:
        code (str): A stable snake_case code, e.g. invalid_credentials.
        detail (str): A sentence for a person.
        fields (StepUpErrorFields | Unset): Only on validation errors: messages per input field.
        reauthenticate (Reauthenticate | Unset):
    """

    code: str
    detail: str
    fields: StepUpErrorFields | Unset = UNSET
    reauthenticate: Reauthenticate | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.fields, Unset):
            fields = self.fields.to_dict()

        reauthenticate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.reauthenticate, Unset):
            reauthenticate = self.reauthenticate.to_dict()

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
        if reauthenticate is not UNSET:
            field_dict["reauthenticate"] = reauthenticate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.reauthenticate import Reauthenticate
        from ..models.step_up_error_fields import StepUpErrorFields

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        _fields = d.pop("fields", UNSET)
        fields: StepUpErrorFields | Unset
        if isinstance(_fields, Unset):
            fields = UNSET
        else:
            fields = StepUpErrorFields.from_dict(_fields)

        _reauthenticate = d.pop("reauthenticate", UNSET)
        reauthenticate: Reauthenticate | Unset
        if isinstance(_reauthenticate, Unset):
            reauthenticate = UNSET
        else:
            reauthenticate = Reauthenticate.from_dict(_reauthenticate)

        step_up_error = cls(
            code=code,
            detail=detail,
            fields=fields,
            reauthenticate=reauthenticate,
        )

        step_up_error.additional_properties = d
        return step_up_error

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
