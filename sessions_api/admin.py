"""The session registry in the Django admin: read-only, with a revoke action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sessions_api.models import UserSession


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "transport", "created_at", "last_activity", "expires_at", "ip"]
    list_filter = ["transport"]
    search_fields = ["id", "user__username", "ip"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected sessions", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[UserSession]) -> None:
        count, _ = queryset.delete()
        self.message_user(request, f"{count} session(s) revoked.")
