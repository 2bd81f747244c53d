from django.urls import path, re_path

from sessions_api import serializers, staff_views, views

urlpatterns = [
    path("session/data", views.DataView.as_view(), name="session-data"),
    # Any key at all reaches the view, which answers 400 (PUT) or 404 for one outside the pattern;
    # <path:...> would still miss keys with a newline, "." not matching one.
    re_path(r"^session/data/(?P<key>[\s\S]+)$", views.DataItemView.as_view(), name="session-data-item"),
    path("session/expiry", views.ExpiryView.as_view(), name="session-expiry"),
    path("session/test-cookie", views.TestCookieView.as_view(), name="session-test-cookie"),
    path("sessions", views.UserSessionsView.as_view(), name="sessions"),
    path("sessions/revoke-others", views.RevokeOthersView.as_view(), name="sessions-revoke-others"),
    # Public ids are URL-safe base64 (models.new_public_id): anything else is no session, a 404 before
    # it reaches a query (PostgreSQL refuses a NUL in a string with an error, not an empty result).
    re_path(
        rf"^sessions/(?P<session_id>{serializers.SESSION_ID_PATTERN[1:-1]})$",
        views.UserSessionView.as_view(),
        name="sessions-detail",
    ),
    path("admin/sessions", staff_views.StaffSessionsView.as_view(), name="staff-sessions"),
    path("admin/sessions/revoke", staff_views.StaffBulkRevokeView.as_view(), name="staff-sessions-revoke"),
    path("admin/sessions/clear-expired", staff_views.ClearExpiredView.as_view(), name="staff-clear-expired"),
    path(
        "admin/users/<int:user_id>/sessions",
        staff_views.StaffUserSessionsView.as_view(),
        name="staff-user-sessions",
    ),
]
