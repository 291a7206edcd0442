from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from sessions import accounts, history, sharing
from sessions import views as session_views

from . import views


class ShareTokenConverter:
    """A share token exactly as ``new_share_token`` makes them: 43 URL-safe base64 characters."""

    regex = "[A-Za-z0-9_-]{43}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ShareTokenConverter, "share_token")

handler400 = "prepsite.views.bad_request"

urlpatterns = [
    path("", session_views.home, name="home"),
    path("interviews/", include("sessions.urls")),
    path("questions/", include("questions.urls")),
    path("history/", history.history, name="history"),
    path("history/plan", history.interview_plan, name="interview_plan"),
    path("history/questions/", history.questions_met, name="questions_met"),
    path("history/questions/<slug:slug>/", history.attempts, name="attempts"),
    path("history/export.json", history.export_json, name="export_json"),
    path("history/export.csv", history.export_csv, name="export_csv"),
    path("history/delete", history.delete_history, name="delete_history"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.CandidateLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("r/<share_token:token>/", sharing.report, name="report"),
    path("r/<share_token:token>/report.md", sharing.report_markdown, name="report_markdown"),
    path("r/<share_token:token>/report.json", sharing.report_json, name="report_json"),
    path(
        "r/<share_token:token>/recordings/<int:position>", sharing.report_recording, name="report_recording"
    ),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
