from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts import urls as accounts_urls
from api_project import errors
from api_project.health import HealthView
from sessions_api import urls as sessions_urls

# One level under api/v1/, not an include per app: each level is a resolver that every request walks.
api_v1: list[URLPattern | URLResolver] = [
    *accounts_urls.urlpatterns,
    *sessions_urls.urlpatterns,
    path("health", HealthView.as_view(), name="health"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^api/", errors.not_found_view),
]
if settings.ADMIN_ENABLED:
    urlpatterns.append(path("admin/", admin.site.urls))

handler400 = "api_project.errors.bad_request"
handler403 = "api_project.errors.permission_denied"
handler404 = "api_project.errors.page_not_found"
handler500 = "api_project.errors.server_error"
