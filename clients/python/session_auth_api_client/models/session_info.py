from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.engine_enum import EngineEnum, check_engine_enum
from ..models.transport_enum import TransportEnum, check_transport_enum

T = TypeVar("T", bound="SessionInfo")


@_attrs_define
class SessionInfo:
    """
    Attributes:
        id (None | str): Public id of a signed-in session (not its key).
        engine (EngineEnum): * `db` - db
            * `cache` - cache
            * `cached_db` - cached_db
            * `file` - file
            * `signed_cookies` - signed_cookies
        transport (TransportEnum): * `cookie` - cookie
            * `header` - header
        created_at (datetime.datetime | None):
        authenticated_at (datetime.datetime | None): When the password was last proved for this session (login or
            reauthentication); null when not signed in.
        privileged_until (datetime.datetime | None): Until when the session may revoke sessions without proving the
            password again: `authenticated_at` + `REAUTH_MAX_AGE` (may be in the past; then POST /auth/reauthenticate
            first). With step-up switched off, the end of the session's absolute lifetime. Null when not signed in.
        expiry_age (int): Seconds until the session expires.
        expiry_date (datetime.datetime):
        expire_at_browser_close (bool):
    """

    id: None | str
    engine: EngineEnum
    transport: TransportEnum
    created_at: datetime.datetime | None
    authenticated_at: datetime.datetime | None
    privileged_until: datetime.datetime | None
    expiry_age: int
    expiry_date: datetime.datetime
    expire_at_browser_close: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: None | str
        id = self.id

        engine: str = self.engine

        transport: str = self.transport

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        authenticated_at: None | str
        if isinstance(self.authenticated_at, datetime.datetime):
            authenticated_at = self.authenticated_at.isoformat()
        else:
            authenticated_at = self.authenticated_at

        privileged_until: None | str
        if isinstance(self.privileged_until, datetime.datetime):
            privileged_until = self.privileged_until.isoformat()
        else:
            privileged_until = self.privileged_until

        expiry_age = self.expiry_age

        expiry_date = self.expiry_date.isoformat()

        expire_at_browser_close = self.expire_at_browser_close

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "engine": engine,
                "transport": transport,
                "created_at": created_at,
                "authenticated_at": authenticated_at,
                "privileged_until": privileged_until,
                "expiry_age": expiry_age,
                "expiry_date": expiry_date,
                "expire_at_browser_close": expire_at_browser_close,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        id = _parse_id(d.pop("id"))

        engine = check_engine_enum(d.pop("engine"))

        transport = check_transport_enum(d.pop("transport"))

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        def _parse_authenticated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                authenticated_at_type_0 = datetime.datetime.fromisoformat(data)

                return authenticated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        authenticated_at = _parse_authenticated_at(d.pop("authenticated_at"))

        def _parse_privileged_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                privileged_until_type_0 = datetime.datetime.fromisoformat(data)

                return privileged_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        privileged_until = _parse_privileged_until(d.pop("privileged_until"))

        expiry_age = d.pop("expiry_age")

        expiry_date = datetime.datetime.fromisoformat(d.pop("expiry_date"))

        expire_at_browser_close = d.pop("expire_at_browser_close")

        session_info = cls(
            id=id,
            engine=engine,
            transport=transport,
            created_at=created_at,
            authenticated_at=authenticated_at,
            privileged_until=privileged_until,
            expiry_age=expiry_age,
            expiry_date=expiry_date,
            expire_at_browser_close=expire_at_browser_close,
        )

        session_info.additional_properties = d
        return session_info

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
