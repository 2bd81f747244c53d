from django.urls import path

from accounts import views

urlpatterns = [
    path("auth/csrf", views.CsrfView.as_view(), name="auth-csrf"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/session", views.SessionView.as_view(), name="auth-session"),
    path("auth/reauthenticate", views.ReauthenticateView.as_view(), name="auth-reauthenticate"),
    path("auth/password", views.PasswordView.as_view(), name="auth-password"),
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
]
