from django.urls import path

from . import views

app_name = "questions"
urlpatterns = [
    path("", views.bank, name="bank"),
    path("<slug:slug>/", views.detail, name="detail"),
]
