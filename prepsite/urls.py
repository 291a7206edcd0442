from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sessions import accounts, history, sharing
from sessions import views as session_views

from . import views

urlpatterns = [
    path("", session_views.home, name="home"),
    path("interviews/", include("sessions.urls")),
    path("questions/", include("questions.urls")),
    path("history/", history.history, name="history"),
    path("history/questions/", history.questions_met, name="questions_met"),
    path("history/questions/<slug:slug>/", history.attempts, name="attempts"),
    path("history/export.json", history.export_json, name="export_json"),
    path("history/export.csv", history.export_csv, name="export_csv"),
    path("history/delete", history.delete_history, name="delete_history"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.CandidateLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("r/<str:token>/", sharing.report, name="report"),
    path("r/<str:token>/report.md", sharing.report_markdown, name="report_markdown"),
    path("r/<str:token>/report.json", sharing.report_json, name="report_json"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
