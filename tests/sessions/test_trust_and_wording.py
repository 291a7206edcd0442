"""Pages say what is true: leaving asks first, sharing is private by default, nothing promised without JS."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Level
from sessions.forms import ShareForm
from sessions.models import InterviewSession, ReviewCard

from .conftest import start, url
from .test_history import play

pytestmark = pytest.mark.django_db


def disclosure(html: str, css_class: str) -> str:
    """The text of the first <details class="..."> in ``html``."""
    match = re.search(rf'<details class="{css_class}">(.*?)</details>', html, re.S)
    assert match, f"no <details class={css_class}>"
    return match.group(1)


# --- leaving --------------------------------------------------------------------------


def test_leaving_the_runner_asks_first_in_a_disclosure_holding_the_real_submit(client, bank):
    session = start(client)
    html = client.get(url(session)).text
    leave = disclosure(html, "leave")
    assert '<summary class="button button-quiet">Leave this interview</summary>' in leave
    assert f'action="/interviews/{session.pk}/abandon"' in leave
    assert '<button type="submit" class="button button-danger">Yes, leave the interview</button>' in leave
    # Nothing outside the disclosure posts to abandon: one click cannot leave.
    assert html.count("/abandon") == 1


def test_the_home_pages_leave_asks_first_the_same_way(client, bank):
    session = start(client)
    html = client.get("/").text
    leave = disclosure(html, "leave")
    assert f'action="/interviews/{session.pk}/abandon"' in leave
    assert "Yes, leave it</button>" in leave
    assert html.count("/abandon") == 1


# --- sharing --------------------------------------------------------------------------


def test_a_share_link_leaves_answers_and_recordings_out_unless_ticked(alice_client, bank):
    form = ShareForm()
    assert not form["include_answers"].initial and not form["include_recordings"].initial
    session = start(alice_client, count=1)
    play(alice_client, session, [4])
    html = alice_client.get(url(session, "summary")).text
    box = re.search(r'<input type="checkbox" name="include_answers"[^>]*>', html).group(0)
    assert "checked" not in box


# --- without JavaScript -----------------------------------------------------------------


def test_the_question_promises_shortcuts_and_sending_at_zero_only_to_the_script(client, bank, clock):
    session = start(client, seconds=30)
    html = client.get(url(session)).text
    hint = re.search(r'<p id="answer-hint" class="hint">(.*?)</p>', html, re.S).group(1)
    visible, js_only = hint.split("<span data-needs-js hidden>")
    assert "Ctrl" not in visible and "clock reaches 0" not in visible
    assert "Ctrl" in js_only and "clock reaches 0" in js_only
    # Without the script: the deadline as a time of day (the clock stands at 09:00:00 UTC).
    noscript = re.search(r"<noscript><p class=\"hint timer-noscript\">(.*?)</p></noscript>", html, re.S)
    assert "does not count down without JavaScript" in noscript.group(1)
    assert "<strong>Answer by 09:00:30</strong> (UTC" in noscript.group(1)


def test_the_reveal_and_summary_show_keyboard_and_copy_only_with_the_script(alice_client, bank):
    session = start(alice_client, count=1)
    alice_client.get(url(session))
    html = alice_client.post(url(session, "questions/1/answer"), {"answer": "a"}, follow=True).text
    assert '<p class="shortcuts hint" data-needs-js hidden>Keyboard:' in html
    alice_client.post(url(session, "questions/1/score"), {"score": "3"})
    alice_client.post(url(session, "share"), {})
    html = alice_client.get(url(session, "summary")).text
    assert re.search(
        r'<button type="button" class="button" data-copy="share-link" data-needs-js hidden>', html
    )


# --- a start that matches nothing -------------------------------------------------------


@pytest.fixture
def nothing_senior(bank):
    return Level.objects.create(slug="senior", name="Senior", rank=4)


def test_a_start_matching_nothing_says_so_once(client, nothing_senior):
    response = client.post("/interviews/start", {"level": "senior", "count": 3, "seconds": 30})
    assert response.status_code == 400
    text = response.content.decode()
    assert text.count("No published question matches") == 1
    assert "so no interview was started" in text
    assert not InterviewSession.objects.exists()


def test_a_refused_start_still_counts_what_is_due(alice_client, alice, nothing_senior, bank):
    ReviewCard.objects.create(user=alice, question=bank[0], card={}, due=timezone.now() - timedelta(days=1))
    for data in ({"level": "senior"}, {"count": "999"}):  # no match; an invalid form
        response = alice_client.post("/interviews/start", {"count": 3, "seconds": 30, **data})
        assert response.status_code == 400
        text = response.content.decode()
        assert "( due now)" not in text
        assert "(1 due now)" in text


# --- sign-up ----------------------------------------------------------------------------


def described_by_targets_exist(html: str) -> None:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        for target in value.split():
            assert target in ids, f"aria-describedby points to a missing #{target}"


def test_sign_up_shows_the_password_rules_before_the_first_try(client, db):
    html = client.get("/accounts/signup/").text
    described_by_targets_exist(html)
    rules = re.search(r'<div class="hint" id="id_password1_helptext">(.*?)</div>', html, re.S).group(1)
    assert "at least 12 characters" in rules  # prepsite's minimum (settings.AUTH_PASSWORD_VALIDATORS)


def test_a_sign_up_error_sits_beside_its_field_and_what_was_typed_stays(client, db):
    data = {"username": "carol", "password1": "abc", "password2": "abd"}
    html = client.post("/accounts/signup/", data).text
    described_by_targets_exist(html)
    # The password's own problem beside the password; the mismatch beside "Password again".
    password = re.search(
        r'id="id_password1".*?<ul class="errorlist" id="id_password1_error">(.*?)</ul>', html, re.S
    )
    assert "too short" in password.group(1)
    again = re.search(r'<ul class="errorlist" id="id_password2_error">(.*?)</ul>', html, re.S)
    assert "didn’t match" in again.group(1) and "too short" not in again.group(1)
    assert 'value="carol"' in html
    assert 'value="abc"' not in html and 'value="abd"' not in html


# --- descriptions for search engines ----------------------------------------------------


def description(html: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    assert 50 <= len(found[0]) <= 200, found[0]
    return found[0]


def test_every_public_page_has_a_description_and_the_main_ones_their_own(client, bank):
    default = description(client.get("/accounts/login/").text)
    home = description(client.get("/").text)
    bank_page = description(client.get("/questions/").text)
    question = description(client.get(f"/questions/{bank[0].slug}/").text)
    assert len({default, home, bank_page, question}) == 4
    assert "6 deep-learning interview questions" in bank_page
    assert bank[0].prompt in question
