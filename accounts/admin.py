"""Django's admin login form, answering a locked-out username or address as the API does."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from accounts.backends import LoginLocked


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except LoginLocked as exc:
            raise ValidationError(
                "Too many failed logins; try again in %(wait)s seconds.",
                code="throttled",
                params={"wait": exc.wait},  # type: ignore[attr-defined]
            ) from exc


admin.site.login_form = ThrottledAdminAuthenticationForm
