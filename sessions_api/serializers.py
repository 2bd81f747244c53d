"""Inputs and outputs of the session endpoints."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from api_project.serializers import InputSerializer
from sessions_api.devices import device_of

ZERO = timedelta(0)
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
_KEY_RE = re.compile(KEY_PATTERN[1:-1])


def is_valid_key(key: str) -> bool:
    return _KEY_RE.fullmatch(key) is not None


class SessionInfoSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True, help_text="Public id of a signed-in session (not its key).")
    engine = serializers.ChoiceField(choices=list(settings.SESSION_ENGINES))
    transport = serializers.ChoiceField(choices=["cookie", "header"])
    created_at = serializers.DateTimeField(allow_null=True)
    authenticated_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the password was last proved for this session (login or reauthentication); null "
        "when not signed in.",
    )
    privileged_until = serializers.DateTimeField(
        allow_null=True,
        help_text="Until when the session may revoke sessions without proving the password again: "
        "`authenticated_at` + `REAUTH_MAX_AGE` (may be in the past; then POST /auth/reauthenticate first). "
        "With step-up switched off, the end of the session's absolute lifetime. Null when not signed in.",
    )
    expiry_age = serializers.IntegerField(help_text="Seconds until the session expires.")
    expiry_date = serializers.DateTimeField()
    expire_at_browser_close = serializers.BooleanField()


class DataOutputSerializer(serializers.Serializer):
    data = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), help_text="Every data key and its value."
    )


class DataItemSerializer(serializers.Serializer):
    key = serializers.RegexField(KEY_PATTERN)
    value = serializers.JSONField(allow_null=True)


class DataValueInputSerializer(InputSerializer):
    value = serializers.JSONField(
        allow_null=True, help_text="Any JSON value (object, array, string, number, ...)."
    )


class ExpiryOutputSerializer(serializers.Serializer):
    expiry_age = serializers.IntegerField(help_text="Seconds until the session expires.")
    expiry_date = serializers.DateTimeField()
    expire_at_browser_close = serializers.BooleanField()
    policy = serializers.ChoiceField(choices=["default", "seconds", "datetime", "browser_close"])


class ExpiryInputSerializer(InputSerializer):
    seconds = serializers.IntegerField(required=False, min_value=1, help_text="Expire after n idle seconds.")
    expires_at = serializers.DateTimeField(
        required=False, help_text="Expire at this time (UTC if no offset)."
    )
    browser_close = serializers.BooleanField(
        required=False, help_text="true: expire when the browser closes."
    )
    default = serializers.BooleanField(required=False, help_text="true: back to the service's default.")

    def __init__(self, *args: Any, latest_end: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latest_end = latest_end

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if len(attrs) != 1:
            raise serializers.ValidationError(
                "Give exactly one of seconds, expires_at, browser_close, default."
            )
        ((name, value),) = attrs.items()
        now = timezone.now()
        if name in ("browser_close", "default") and value is not True:
            raise serializers.ValidationError({name: ["Only true is accepted."]})
        if name == "seconds" and now + timedelta(seconds=min(value, 10**9)) > self.latest_end:
            raise serializers.ValidationError({name: ["Beyond the session's maximum lifetime."]})
        if name == "expires_at":
            if value <= now:
                raise serializers.ValidationError({name: ["The time is in the past."]})
            if value > self.latest_end:
                raise serializers.ValidationError({name: ["Beyond the session's maximum lifetime."]})
        return attrs

    def expiry_value(self) -> Any:
        """Return what Django's set_expiry takes for the validated choice."""
        ((name, value),) = self.validated_data.items()
        return {"seconds": value, "expires_at": value, "browser_close": 0, "default": None}[name]


class CookieCheckOutputSerializer(serializers.Serializer):
    cookies_accepted = serializers.BooleanField()


class DeviceSerializer(serializers.Serializer):
    browser = serializers.CharField(
        help_text='The browser or client family, e.g. "Chrome"; "Other" when unknown.'
    )
    os = serializers.CharField(help_text='The operating system family, e.g. "iOS"; "Other" when unknown.')
    device = serializers.CharField(help_text='The device family, e.g. "iPhone"; "Other" when unknown.')

    def to_representation(self, instance: Any) -> dict[str, str]:
        """Return the device a User-Agent names."""
        return device_of(str(instance))._asdict()


class UserSessionSerializer(serializers.Serializer):
    id = serializers.CharField()
    current = serializers.SerializerMethodField()
    transport = serializers.CharField()
    created_at = serializers.DateTimeField()
    authenticated_at = serializers.DateTimeField(help_text="Its last password proof.")
    last_activity = serializers.DateTimeField()
    expiry_date = serializers.DateTimeField(source="expires_at")
    ip = serializers.IPAddressField(
        allow_null=True,
        help_text="The client's address at login as the service keeps it (SESSION_RECORD_IP): whole, its "
        "network with the rest zeros (IPv4 /24, IPv6 /48), or null.",
    )
    user_agent = serializers.CharField()
    name = serializers.CharField(allow_null=True, help_text="The name its user gave it, null until then.")
    device = DeviceSerializer(source="user_agent", help_text="What its User-Agent says, read by ua-parser.")
    new_device = serializers.BooleanField(
        help_text="Its login came from a browser and OS its user had not logged in with for "
        "`NEW_DEVICE_WINDOW` days."
    )

    def get_current(self, entry: Any) -> bool:
        return entry.id == self.context.get("current_id")

    def to_representation(self, entry: Any) -> dict[str, Any]:
        # What the fields above give, datetimes formatted by DRF's own field, without walking eight
        # fields per row: that walk was most of a 100-session list's time. The schema still uses them.
        return {
            "id": str(entry.id),
            "current": self.get_current(entry),
            "transport": str(entry.transport),
            "created_at": self._datetime(entry.created_at),
            "authenticated_at": self._datetime(entry.authenticated_at),
            "last_activity": self._datetime(entry.last_activity),
            "expiry_date": self._datetime(entry.expires_at),
            "ip": None if entry.ip is None else str(entry.ip),
            "user_agent": str(entry.user_agent),
            "name": str(entry.name) or None,
            "device": device_of(str(entry.user_agent))._asdict(),
            "new_device": bool(entry.new_device),
        }

    def _datetime(self, value: datetime | None) -> str | None:
        """Return what DRF's DateTimeField gives for the value, in its ISO 8601 format.

        A UTC value shown in UTC (the database's values, with TIME_ZONE=UTC) is its ``isoformat()``
        with "Z"; DRF takes four times as long to find that, for each of four datetimes of each row.
        """
        if value is None:
            return None
        if self._utc_output and value.utcoffset() == ZERO:
            return value.isoformat()[:-6] + "Z"  # "+00:00" -> "Z", as DRF writes it
        return self._drf_datetime.to_representation(value)  # type: ignore[no-any-return]

    @cached_property
    def _utc_output(self) -> bool:
        """Tell whether DRF shows datetimes in UTC itself (not a zone that is at +00:00 only today)."""
        zone = timezone.get_current_timezone()
        is_utc = zone is UTC or getattr(zone, "key", None) in ("UTC", "Etc/UTC")
        return is_utc and api_settings.DATETIME_FORMAT == ISO_8601

    @cached_property
    def _drf_datetime(self) -> serializers.DateTimeField:
        # DRF's field, given the current timezone once per list instead of looking it up for each value.
        return serializers.DateTimeField(default_timezone=timezone.get_current_timezone())


class UserSessionListSerializer(serializers.Serializer):
    sessions = UserSessionSerializer(many=True)


class StaffSessionSerializer(UserSessionSerializer):
    user = serializers.IntegerField(source="user_id")

    def to_representation(self, entry: Any) -> dict[str, Any]:
        return {**super().to_representation(entry), "user": int(entry.user_id)}


class StaffSessionListSerializer(serializers.Serializer):
    sessions = StaffSessionSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Pass it as ?cursor= for the next page.")


CURSOR_PATTERN = r"^[A-Za-z0-9+/=]*$"


USER_ID_MAX = 2**31 - 1  # the user table's key is a 32-bit integer


class StaffSessionQuerySerializer(serializers.Serializer):
    # Digits only: DRF's IntegerField also takes "1.0", "+1" and full-width digits.
    user = serializers.RegexField(r"^[1-9][0-9]{0,9}$", required=False, help_text="A user id.")
    # Blank means the first page. Cursors are base64 (DRF's CursorPagination), so anything else is
    # refused before decoding.
    cursor = serializers.RegexField(
        CURSOR_PATTERN,
        required=False,
        allow_blank=True,
        max_length=512,
        help_text="The `next` of the previous page.",
    )

    @classmethod
    def of_query(cls, params: Any) -> StaffSessionQuerySerializer:
        """Return the serializer of a request's query string; a parameter given twice is a 400.

        A plain dict, not the QueryDict: DRF would read an empty ``user=`` of one as no parameter.
        """
        repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
        if repeated:
            raise serializers.ValidationError({name: ["Give this parameter once."] for name in repeated})
        return cls(data=params.dict())

    def validate_user(self, value: str) -> int:
        if int(value) > USER_ID_MAX:
            raise serializers.ValidationError(f"Ensure this value is less than or equal to {USER_ID_MAX}.")
        return int(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown query parameter."] for name in unknown})
        return attrs


NAME_PATTERN = r"^[^\x00-\x1F\x7F-\x9F]*$"  # no control character; the other unprintables: in validate


class SessionNameInputSerializer(InputSerializer):
    name = serializers.RegexField(
        NAME_PATTERN,
        min_length=1,
        max_length=64,
        allow_null=True,
        trim_whitespace=False,
        help_text="1-64 printable characters (no control, format or line-separator character), or null "
        "to remove the name.",
    )

    def validate_name(self, value: str | None) -> str | None:
        if value is not None and not value.isprintable():  # a space is printable; other blanks are not
            raise serializers.ValidationError("Use printable characters only.")
        return value


SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"  # public ids are URL-safe base64 (models.new_public_id)
BULK_REVOKE_MAX = 500


class BulkRevokeInputSerializer(InputSerializer):
    ids = serializers.ListField(
        child=serializers.RegexField(SESSION_ID_PATTERN),
        max_length=BULK_REVOKE_MAX,
        help_text=f"Up to {BULK_REVOKE_MAX} session ids (of any users); unknown ones are skipped.",
    )


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField()


class DeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "unavailable"])
    engine = serializers.CharField()
    checks = serializers.DictField(child=serializers.CharField())
