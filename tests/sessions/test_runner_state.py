"""The runner's one-statement read (sessions/runner_state.py) gives what the ORM gives, and no more.

The question page reads the interview, its progress and the question it is on
with one hand-written statement. These tests hold it to the ORM's answers
(``get_owned_or_404`` + ``progress()`` + ``item()``) field by field, through
every stage of an interview, and to the same owner rules: somebody else's
interview is a 404, whoever asks.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from sessions import runner_state
from sessions.models import Answer, InterviewSession, Owner, Progress

from .conftest import make_bank, start, url

HX = {"HX-Request": "true"}


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def orm_state(owner: Owner, pk):
    """The same reads through the ORM: the reference the statement is held to."""
    session = InterviewSession.objects.get_owned_or_404(owner, pk)
    unscored = Q(answer__isnull=True) | Q(answer__score__isnull=True)
    row = session.items.aggregate(
        total=Count("pk"), scored=Count("answer__score"), current=Min("position", filter=unscored)
    )
    progress = Progress(total=row["total"], scored=row["scored"], current=row["current"])
    item = (
        session.items.select_related("question__level", "answer").get(position=progress.current)
        if progress.current is not None
        else None
    )
    return session, progress, item


def assert_same_as_the_orm(owner: Owner, pk) -> None:
    session, progress, item = runner_state.current(owner, pk)
    expected_session, expected_progress, expected_item = orm_state(owner, pk)
    assert values(session) == values(expected_session)
    assert progress == expected_progress
    if expected_item is None:
        assert item is None
        return
    assert values(item) == values(expected_item)
    assert values(item.question) == values(expected_item.question)
    assert values(item.question.level) == values(expected_item.question.level)
    assert item.is_answered == expected_item.is_answered
    if expected_item.is_answered:
        assert values(item.answer) == values(expected_item.answer)
        assert item.answer.item is item
    # The relations come loaded: reading them costs no query.
    with CaptureQueriesContext(connection) as ctx:
        item.session, item.question.level, item.deadline, item.is_answered  # noqa: B018
    assert ctx.captured_queries == []


@pytest.mark.django_db(transaction=False)
def test_it_reads_what_the_orm_reads_at_every_stage_of_an_interview(client, db):
    make_bank(4)
    session = start(client, count=3)
    owner = Owner(token=session.anon_token)
    assert_same_as_the_orm(owner, session.pk)  # nothing shown yet
    client.get(url(session))
    assert_same_as_the_orm(owner, session.pk)  # question 1's clock runs
    client.post(url(session, "questions/1/answer"), {"answer": "Ünïcode <b>and</b> 'quotes'"}, headers=HX)
    Answer.objects.filter(item__session=session).update(
        delivery={"words_per_minute": 131.5, "filler_counts": {"um": 2}}, detected={"2": "a phrase"}
    )
    assert_same_as_the_orm(owner, session.pk)  # answered, not scored: the reveal
    client.post(url(session, "questions/1/score"), {"score": "2", "covered": ["1"]}, headers=HX)
    assert_same_as_the_orm(owner, session.pk)  # on to question 2
    for position in (2, 3):
        client.get(url(session))
        client.post(url(session, f"questions/{position}/answer"), {"answer": "x"}, headers=HX)
        client.post(url(session, f"questions/{position}/score"), {"score": "3"}, headers=HX)
    assert_same_as_the_orm(owner, session.pk)  # every question scored: no current item
    _session, progress, item = runner_state.current(owner, session.pk)
    assert item is None and progress.current is None and progress.scored == progress.total == 3


def test_it_reads_a_signed_in_candidates_interview(alice_client, alice, db):
    make_bank(3)
    session = start(alice_client, count=2)
    alice_client.get(url(session))
    assert_same_as_the_orm(Owner(alice), session.pk)


def test_somebody_elses_interview_is_not_found_whoever_asks(client, alice, bob, db):
    make_bank(3)
    anonymous = start(client, count=2)
    other = Owner(token="someone-elses-token")
    with pytest.raises(Http404):
        runner_state.current(other, anonymous.pk)
    with pytest.raises(Http404):
        runner_state.current(Owner(alice), anonymous.pk)  # a user never owns an anonymous interview
    with pytest.raises(Http404):
        runner_state.current(Owner(), anonymous.pk)  # no user, no token
    owned = InterviewSession.objects.create(user=alice)
    with pytest.raises(Http404):
        runner_state.current(Owner(bob), owned.pk)
    with pytest.raises(Http404):
        # The token of alice's interview row is empty: an empty token never matches it.
        runner_state.current(Owner(token=owned.anon_token or "x"), owned.pk)


def test_the_question_page_is_two_queries_and_three_signed_in(client, alice_client, db):
    """The browser's session, then the interview with its progress and question in one statement
    (and, signed in, the user); the tags come from the cache."""
    make_bank(25)
    for candidate, expected in ((client, 2), (alice_client, 3)):
        session = start(candidate, count=20)
        candidate.get(url(session))  # serves question 1 and caches its tags
        with CaptureQueriesContext(connection) as ctx:
            response = candidate.get(url(session))
        assert response.status_code == 200
        assert len(ctx.captured_queries) == expected, [q["sql"][:80] for q in ctx.captured_queries]
