"""The base of every serializer that reads a JSON body: JSON's types are taken as sent, never coerced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

# The JSON types each kind of field takes; the first match in field order wins (EmailField is a
# CharField, for instance). Fields not listed (JSONField) take any JSON value.
_JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "true or false"),
    (serializers.IntegerField, (int,), "an integer"),
    (serializers.FloatField, (int, float), "a number"),
    (serializers.CharField, (str,), "a string"),
    (serializers.ChoiceField, (str,), "a string"),
    (serializers.DateTimeField, (str,), "a string"),
]


# DRF turns 1 into "1" for a CharField, "5" into 5 for an IntegerField and "yes" into True for a
# BooleanField; a JSON body has types, and the schema states them, so a value of another type is
# refused as `invalid` instead. (No docstring: the schema would show it on every input.)
class InputSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors = {
                name: [f"Must be {expected}."]
                for name, field in self.fields.items()
                if name in data and (expected := _wrong_type(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _wrong_type(field: serializers.Field, value: Any) -> str | None:
    """Return what the field expects when the value is of another JSON type, else None."""
    if value is None and field.allow_null:
        return None
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "an array"
        wrong = next((expected for item in value if (expected := _wrong_type(field.child, item))), None)
        return f"an array of which each item is {wrong}" if wrong else None
    for kind, types, expected in _JSON_TYPES:
        if isinstance(field, kind):
            matches = isinstance(value, types) and (bool in types or not isinstance(value, bool))
            return None if matches else expected
    return None
