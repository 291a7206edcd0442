"""A real interview in a real browser: filters, timer, keyboard, reload, summary, privacy."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Answer, InterviewSession
from tests.sessions.conftest import make_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    make_bank(6)
    return live_server.url


def start_interview(page, site, *, topic="cnn", count="2", seconds="30"):
    page.goto(site + "/")
    page.get_by_label("Topic").select_option(topic)
    expect(page.get_by_role("status").filter(has_text="match")).to_have_text(
        re.compile(r"3 published questions match")
    )
    page.get_by_label("Questions", exact=True).fill(count)
    page.get_by_label("Seconds per answer").fill(seconds)
    page.get_by_role("button", name="Start interview").click()
    expect(page.get_by_text("Question 1 of " + count)).to_be_visible()


def timer_seconds(page) -> int:
    return int(page.get_by_role("timer").locator("[data-timer-seconds]").inner_text())


def test_a_candidate_walks_a_whole_interview(page, site, browser):
    start_interview(page, site)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Question number \d\?"))
    expect(page.get_by_role("timer")).to_be_visible()

    # Answer the first question by typing and pressing the button.
    page.get_by_label("Your answer").fill("Convolutions share weights across positions.")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    expect(page.get_by_text("Convolutions share weights across positions.")).to_be_visible()

    # Tick a key point, then score and move on with the keyboard alone.
    page.get_by_label(re.compile(r"^Point 1 of \d$")).check()
    expect(page.get_by_text(re.compile("You covered 1 of 3"))).to_be_visible()
    page.locator("body").press("4")
    expect(page.get_by_label("4 Solid")).to_be_checked()
    page.keyboard.press("n")
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()

    # Reload mid-question: the clock continues instead of starting again.
    page.wait_for_timeout(2200)
    page.reload()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    assert timer_seconds(page) <= 28

    # Ctrl+Enter submits from the text box.
    page.get_by_label("Your answer").fill("Second answer")
    page.get_by_label("Your answer").press("Control+Enter")
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    page.locator("body").press("2")
    expect(page.get_by_label("2 Weak")).to_be_checked()
    expect(page.get_by_role("button", name="Finish interview")).to_be_visible()
    page.keyboard.press("n")

    expect(page.get_by_role("heading", name="Interview summary")).to_be_visible()
    expect(page.locator(".stat", has_text="overall score")).to_contain_text("60%")  # (4 + 2) / 10
    session = InterviewSession.objects.get()
    assert session.status == "finished"
    assert sorted(Answer.objects.values_list("score", flat=True)) == [2, 4]

    # Someone else's browser (no cookies) cannot see it.
    stranger = browser.new_context().new_page()
    response = stranger.goto(f"{site}/interviews/{session.pk}/summary")
    assert response.status == 404
    stranger.context.close()


def test_when_time_runs_out_the_typed_text_is_submitted(page, site):
    start_interview(page, site, count="1", seconds="10")
    page.get_by_label("Your answer").fill("Half a thought")
    # The page submits by itself at zero; no click.
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Half a thought")).to_be_visible()
    answer = Answer.objects.get()
    assert answer.text == "Half a thought"
    assert answer.overtime is False
    assert 9_000 <= answer.elapsed_ms <= 12_000


def test_a_shared_report_opens_in_a_fresh_browser(page, site, browser):
    start_interview(page, site, count="1")
    page.get_by_label("Your answer").fill("Weight sharing <b>matters</b>")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_label("3 Partial").check()
    page.get_by_role("button", name="Finish interview").click()
    expect(page.get_by_role("heading", name="Interview summary")).to_be_visible()

    expect(page.get_by_label("Include my typed answers and notes")).not_to_be_checked()  # private by default
    page.get_by_label("Include my typed answers and notes").check()
    page.get_by_role("button", name="Create share link").click()
    link = page.get_by_label("Share link").input_value()
    assert "/r/" in link
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status").filter(has_text=re.compile(r"copied|Ctrl\+C"))).to_be_visible()

    stranger = browser.new_context()  # no cookies: another machine
    report = stranger.new_page()
    report.goto(link)
    expect(report.get_by_role("heading", name="Mock interview report")).to_be_visible()
    expect(report.get_by_text("Weight sharing <b>matters</b>")).to_be_visible()

    page.get_by_role("button", name="Revoke link").click()
    assert report.goto(link).status == 404
    stranger.close()
