from __future__ import annotations

import pytest
from django.test import Client

from questions.models import KeyPoint, Level, Question, Topic
from sessions.models import InterviewSession


def make_bank(n: int = 6) -> list[Question]:
    """``n`` published questions: even ones about CNNs, odd ones about training; three key points each."""
    level, _ = Level.objects.get_or_create(slug="entry", defaults={"name": "Entry", "rank": 1})
    cnn, _ = Topic.objects.get_or_create(slug="cnn", defaults={"name": "CNNs"})
    training, _ = Topic.objects.get_or_create(slug="training", defaults={"name": "Training"})
    questions = []
    for i in range(n):
        q = Question.objects.create(
            slug=f"q{i}",
            prompt=f"Question number {i}?",
            answer=f"**Answer {i}**",
            level=level,
            why_asked="Because.",
            pitfall="Rushing.",
        )
        q.topics.add(cnn if i % 2 == 0 else training)
        KeyPoint.objects.bulk_create(
            KeyPoint(question=q, position=p, text=f"Point {p} of {i}") for p in (1, 2, 3)
        )
        questions.append(q)
    return questions


@pytest.fixture
def bank(db):
    return make_bank()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="correct horse battery")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="correct horse battery")


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


def start(client, **data) -> InterviewSession:
    """Start an interview through the form, as a candidate would; return it."""
    payload = {"count": 3, "seconds": 30, **data}
    response = client.post("/interviews/start", payload)
    assert response.status_code == 302, response.content
    pk = response["Location"].split("/")[2]
    return InterviewSession.objects.get(pk=pk)


def url(session: InterviewSession, tail: str = "") -> str:
    return f"/interviews/{session.pk}/{tail}"
