from django.apps import AppConfig


class InterviewSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions (kept for logins and anonymous candidates) already
    # owns the label "sessions"; ours must differ, and must never change once
    # migrations exist, because migrations refer to apps by label.
    label = "interview_sessions"
    verbose_name = "Mock interviews"
