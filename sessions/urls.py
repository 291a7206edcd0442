from django.urls import path

from . import sharing, views

app_name = "sessions"
urlpatterns = [
    path("matching", views.matching, name="matching"),
    path("start", views.start, name="start"),
    path("preview/<slug:slug>/", views.preview, name="preview"),
    path("<uuid:pk>/", views.run, name="run"),
    path("<uuid:pk>/questions/<int:position>/", views.review, name="review"),
    path("<uuid:pk>/questions/<int:position>/answer", views.answer, name="answer"),
    path("<uuid:pk>/questions/<int:position>/score", views.score, name="score"),
    path("<uuid:pk>/questions/<int:position>/follow-up", views.ask_follow_up, name="follow_up"),
    path(
        "<uuid:pk>/questions/<int:position>/follow-up/answer", views.answer_follow_up, name="follow_up_answer"
    ),
    path("<uuid:pk>/questions/<int:position>/recording", views.recording, name="recording"),
    path("<uuid:pk>/questions/<int:position>/transcript", views.transcript, name="transcript"),
    path("<uuid:pk>/questions/<int:position>/transcribe", views.retry_transcription, name="transcribe"),
    path("<uuid:pk>/abandon", views.abandon, name="abandon"),
    path("<uuid:pk>/summary", views.summary, name="summary"),
    path("<uuid:pk>/retry", views.retry_low, name="retry"),
    path("<uuid:pk>/share", sharing.share_create, name="share"),
    path("<uuid:pk>/share/revoke", sharing.share_revoke, name="share_revoke"),
]
