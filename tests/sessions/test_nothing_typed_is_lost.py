"""When the database cannot take a write, or the input is odd, the candidate's text survives."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from sessions.models import Answer

from .conftest import make_bank, start, url

HX = {"HX-Request": "true"}


@contextmanager
def read_only_database():
    """The real database refusing every write (SQLite query_only; PostgreSQL read-only transactions)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA query_only = OFF")
            else:
                cursor.execute("SET default_transaction_read_only = off")


@contextmanager
def write_lock_held_elsewhere():
    """Another connection holds the answers table's write lock; ours gives up after 0.3 s."""
    acquired, release = threading.Event(), threading.Event()

    def hold():
        from django.db import connections

        other = connections.create_connection("default")
        with other.cursor() as cursor:
            if other.vendor == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            else:
                cursor.execute("BEGIN")
                cursor.execute("LOCK TABLE interview_sessions_answer IN SHARE MODE")
            acquired.set()
            release.wait(10)
            cursor.execute("ROLLBACK")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    acquired.wait(10)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 300")
        else:
            cursor.execute("SET lock_timeout = '300ms'")
    try:
        yield
    finally:
        release.set()
        holder.join()
        connection.close()  # back to the configured timeouts


@pytest.fixture
def on_question_one(db):
    make_bank()
    client = Client()
    session = start(client)
    client.get(url(session))
    return client, session


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "htmx"])
def test_an_answer_the_database_refuses_comes_back_in_the_box_with_503(on_question_one, headers):
    client, session = on_question_one
    with read_only_database():
        response = client.post(
            url(session, "questions/1/answer"), {"answer": "my <careful> answer"}, headers=headers
        )
    assert response.status_code == 503
    assert "could not be saved yet" in response.text
    assert ">my &lt;careful&gt; answer</textarea>" in response.text
    assert not Answer.objects.exists()
    # Sent again once the database takes writes: stored once, as typed.
    client.post(url(session, "questions/1/answer"), {"answer": "my <careful> answer"})
    assert Answer.objects.get().text == "my <careful> answer"


@pytest.mark.django_db(transaction=True)
def test_an_answer_blocked_by_a_held_lock_comes_back_with_503(on_question_one):
    client, session = on_question_one
    with write_lock_held_elsewhere():
        response = client.post(url(session, "questions/1/answer"), {"answer": "still here"})
    assert response.status_code == 503
    assert ">still here</textarea>" in response.text
    assert not Answer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_score_the_database_refuses_keeps_the_choices_and_the_note(on_question_one):
    client, session = on_question_one
    client.post(url(session, "questions/1/answer"), {"answer": "a"})
    with read_only_database():
        response = client.post(
            url(session, "questions/1/score"), {"score": 4, "covered": ["1", "3"], "note": "revisit this"}
        )
    assert response.status_code == 503
    assert "Your score could not be saved yet" in response.text
    assert 'value="4" id="score-4" checked' in response.text
    assert "revisit this</textarea>" in response.text
    assert Answer.objects.get().score is None


@pytest.mark.django_db(transaction=True)
def test_healthz_says_503_when_the_database_cannot_take_a_write(client):
    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200
    with read_only_database():
        assert client.get("/healthz").status_code == 503
        assert client.head("/healthz").status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("and\x00line", "andline"), ("and\x01line", "andline"), ("\x1b[31mred", "[31mred"), ("del\x7f", "del")],
)
def test_control_characters_in_an_answer_and_a_note_are_dropped_on_every_database(
    client, bank, typed, stored
):
    session = start(client)
    client.get(url(session))
    response = client.post(url(session, "questions/1/answer"), {"answer": f"tab\t{typed}\nend"})
    assert response.status_code == 302
    assert Answer.objects.get().text == f"tab\t{stored}\nend"  # tabs and newlines stay
    client.post(url(session, "questions/1/score"), {"score": 3, "note": f"note {typed}"})
    assert Answer.objects.get().note == f"note {stored}"


@pytest.mark.django_db
def test_a_nul_byte_never_reaches_the_database(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "a\x00b"})
    assert Answer.objects.get().text == "ab"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["ab%00cd", "ab\x00cd", "x" * 42, "x" * 44, "a" * 42 + "!"])
def test_a_malformed_share_token_is_a_plain_404(client, token):
    assert client.get(f"/r/{token}/").status_code == 404


@pytest.mark.django_db
def test_key_point_numbers_take_ascii_digits_only(client, bank):
    session = start(client)
    client.get(url(session))
    client.post(url(session, "questions/1/answer"), {"answer": "a"})
    response = client.post(url(session, "questions/1/score"), {"score": 3, "covered": ["²", "٣", "1"]})
    assert response.status_code == 302
    assert Answer.objects.get().covered == [1]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "３"])
def test_start_form_numbers_take_ascii_digits_only(client, bank, value):
    response = client.post("/interviews/start", {"count": value, "seconds": 30})
    assert response.status_code == 400
    assert "digits 0 to 9" in response.text


@pytest.mark.django_db
def test_a_very_long_answer_keeps_its_first_ten_thousand_characters_and_says_so(client, bank):
    session = start(client)
    client.get(url(session))
    response = client.post(url(session, "questions/1/answer"), {"answer": "x" * 12_000}, follow=True)
    assert len(Answer.objects.get().text) == 10_000
    assert "the rest was cut off" in response.text


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_gets_a_page_that_explains_it(client, bank, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    session = start(client)
    client.get(url(session))
    response = client.post(
        url(session, "questions/1/answer"),
        {"answer": "y" * 200_000},
        headers={"Referer": f"http://testserver{url(session)}"},
    )
    assert response.status_code == 413
    assert "too much to send at once" in response.text
    assert "still kept in this browser" in response.text
    assert f'href="{url(session)}"' in response.text
    assert not Answer.objects.exists()
