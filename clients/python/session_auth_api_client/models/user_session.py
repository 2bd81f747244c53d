from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.device import Device


T = TypeVar("T", bound="UserSession")


@_attrs_define
class UserSession:
    """
    Attributes:
        id (str):
        current (bool):
        transport (str):
        created_at (datetime.datetime):
        authenticated_at (datetime.datetime): Its last password proof.
        last_activity (datetime.datetime):
        expiry_date (datetime.datetime):
        ip (None | str): The client's address at login as the service keeps it (SESSION_RECORD_IP): whole, its network
            with the rest zeros (IPv4 /24, IPv6 /48), or null.
        user_agent (str):
        name (None | str): The name its user gave it, null until then.
        device (Device):
        new_device (bool): Its login came from a browser and OS its user had not logged in with for `NEW_DEVICE_WINDOW`
            days.
    """

    id: str
    current: bool
    transport: str
    created_at: datetime.datetime
    authenticated_at: datetime.datetime
    last_activity: datetime.datetime
    expiry_date: datetime.datetime
    ip: None | str
    user_agent: str
    name: None | str
    device: Device
    new_device: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        current = self.current

        transport = self.transport

        created_at = self.created_at.isoformat()

        authenticated_at = self.authenticated_at.isoformat()

        last_activity = self.last_activity.isoformat()

        expiry_date = self.expiry_date.isoformat()

        ip: None | str
        ip = self.ip

        user_agent = self.user_agent

        name: None | str
        name = self.name

        device = self.device.to_dict()

        new_device = self.new_device

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "current": current,
                "transport": transport,
                "created_at": created_at,
                "authenticated_at": authenticated_at,
                "last_activity": last_activity,
                "expiry_date": expiry_date,
                "ip": ip,
                "user_agent": user_agent,
                "name": name,
                "device": device,
                "new_device": new_device,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.device import Device

        d = dict(src_dict)
        id = d.pop("id")

        current = d.pop("current")

        transport = d.pop("transport")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        authenticated_at = datetime.datetime.fromisoformat(d.pop("authenticated_at"))

        last_activity = datetime.datetime.fromisoformat(d.pop("last_activity"))

        expiry_date = datetime.datetime.fromisoformat(d.pop("expiry_date"))

        def _parse_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip = _parse_ip(d.pop("ip"))

        user_agent = d.pop("user_agent")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))

        device = Device.from_dict(d.pop("device"))

        new_device = d.pop("new_device")

        user_session = cls(
            id=id,
            current=current,
            transport=transport,
            created_at=created_at,
            authenticated_at=authenticated_at,
            last_activity=last_activity,
            expiry_date=expiry_date,
            ip=ip,
            user_agent=user_agent,
            name=name,
            device=device,
            new_device=new_device,
        )

        user_session.additional_properties = d
        return user_session

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
