from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed


class InterviewSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions (kept for logins and anonymous candidates) already
    # owns the label "sessions"; ours must differ, and must never change once
    # migrations exist, because migrations refer to apps by label.
    label = "interview_sessions"
    verbose_name = "Mock interviews"

    def ready(self) -> None:
        from prepsite import throttle

        # Counting failed log-ins per address (password spraying) is security plumbing, not
        # business logic: Django's own signal is the one place that sees every log-in form.
        user_login_failed.connect(throttle.count_failed_login, dispatch_uid="prepsite-failed-logins")
