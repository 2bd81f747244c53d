from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.session_info import SessionInfo
    from ..models.user import User


T = TypeVar("T", bound="LoginOutput")


@_attrs_define
class LoginOutput:
    """
    Attributes:
        user (User):
        session (SessionInfo):
        new_device (bool): This login came from a browser and OS the user had not logged in with for `NEW_DEVICE_WINDOW`
            days (its session's row says so too).
        session_token (str | Unset): Only with transport=header: send it as X-Session-Token.
    """

    user: User
    session: SessionInfo
    new_device: bool
    session_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user.to_dict()

        session = self.session.to_dict()

        new_device = self.new_device

        session_token = self.session_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user": user,
                "session": session,
                "new_device": new_device,
            }
        )
        if session_token is not UNSET:
            field_dict["session_token"] = session_token

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.session_info import SessionInfo
        from ..models.user import User

        d = dict(src_dict)
        user = User.from_dict(d.pop("user"))

        session = SessionInfo.from_dict(d.pop("session"))

        new_device = d.pop("new_device")

        session_token = d.pop("session_token", UNSET)

        login_output = cls(
            user=user,
            session=session,
            new_device=new_device,
            session_token=session_token,
        )

        login_output.additional_properties = d
        return login_output

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
