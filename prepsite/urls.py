from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sessions import views as session_views

from . import views

urlpatterns = [
    path("", session_views.home, name="home"),
    path("interviews/", include("sessions.urls")),
    path("questions/", include("questions.urls")),
    path("accounts/signup/", session_views.signup, name="signup"),
    path("accounts/login/", session_views.CandidateLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
