"""Inputs and outputs of the accounts endpoints."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from rest_framework import serializers

from accounts.services import USERNAME_TAKEN
from api_project.serializers import InputSerializer
from sessions_api.serializers import SessionInfoSerializer

User = get_user_model()
PASSWORD_MIN_LENGTH = 8  # Django's MinimumLengthValidator, said in the schema too


def new_password_field() -> serializers.CharField:
    """Return the field of a password being chosen: what the schema can say of the validators."""
    return serializers.CharField(
        min_length=PASSWORD_MIN_LENGTH,
        max_length=settings.PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        help_text="Also checked by the password validators: not too common, not all digits, not too "
        "like the username or e-mail address (400 with the field saying which).",
    )


class FoldedUsernameValidator(UnicodeUsernameValidator):
    """Django's username characters, checked on the name as it will be stored (NFKC); the schema's pattern."""

    def __call__(self, value: Any) -> None:
        super().__call__(User.normalize_username(value))


class UserSerializer(serializers.ModelSerializer):
    # A user may have no email address: an empty string, which the schema must allow besides an address.
    email = serializers.EmailField(read_only=True, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "is_staff"]
        read_only_fields = fields

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return user_data(instance)


def user_data(user: Any) -> dict[str, Any]:
    """Return what ``UserSerializer`` gives for a user, without building it or its model fields.

    ModelSerializer introspects the model on every instance, and building the serializer's fields costs
    about as much again: a large part of the cost of "who am I" (docs/performance.md). The schema still
    uses the serializer.
    """
    return {
        "id": user.pk,
        "username": str(user.username),
        "email": str(user.email),
        "is_staff": bool(user.is_staff),
    }


class CsrfOutputSerializer(serializers.Serializer):
    csrf_token = serializers.CharField(help_text="Send it back in the X-CSRFToken header.")


class LoginInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(
        max_length=settings.PASSWORD_MAX_LENGTH, trim_whitespace=False, style={"input_type": "password"}
    )
    transport = serializers.ChoiceField(
        choices=["cookie", "header"],
        default="cookie",
        help_text="cookie: the session travels in the HttpOnly cookie (browsers). "
        "header: the response carries session_token; send it back as X-Session-Token.",
    )


class LoginOutputSerializer(serializers.Serializer):
    user = UserSerializer()
    session = SessionInfoSerializer()
    session_token = serializers.CharField(
        required=False, help_text="Only with transport=header: send it as X-Session-Token."
    )
    new_device = serializers.BooleanField(
        help_text="This login came from a browser and OS the user had not logged in with for "
        "`NEW_DEVICE_WINDOW` days (its session's row says so too)."
    )


class SessionOutputSerializer(serializers.Serializer):
    user = UserSerializer()
    session = SessionInfoSerializer()


class PasswordChangeInputSerializer(InputSerializer):
    current_password = serializers.CharField(max_length=settings.PASSWORD_MAX_LENGTH, trim_whitespace=False)
    new_password = new_password_field()


class ReauthenticateInputSerializer(InputSerializer):
    password = serializers.CharField(
        max_length=settings.PASSWORD_MAX_LENGTH, trim_whitespace=False, style={"input_type": "password"}
    )


class RegisterInputSerializer(InputSerializer):
    username = serializers.CharField(
        max_length=150,
        validators=[FoldedUsernameValidator()],
        help_text="Letters, digits and @ . + - _; folded with Unicode NFKC (as stored) before the check "
        "that it is free.",
    )
    password = new_password_field()
    email = serializers.EmailField(required=False, default="", allow_blank=True)

    def validate_username(self, value: str) -> str:
        # Folded as Django folds it on save (NFKC), before the check: full-width "alice" is "alice".
        value = User.normalize_username(value)
        field = User._meta.get_field(User.USERNAME_FIELD)
        for validator in getattr(field, "validators", []):
            validator(value)
        if User._default_manager.filter(**{User.USERNAME_FIELD: value}).exists():
            raise serializers.ValidationError(USERNAME_TAKEN)
        return value


class RegisterOutputSerializer(serializers.Serializer):
    user = UserSerializer()
