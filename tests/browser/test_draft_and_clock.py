"""In the browser: a typed answer survives a reload until it is stored; the clock's cut-off is named."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sessions.models import Answer
from tests.sessions.conftest import make_bank

from .test_interview_in_browser import start_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    make_bank(6)
    return live_server.url


def test_an_unsent_answer_is_offered_back_after_a_reload_and_forgotten_once_stored(page, site):
    start_interview(page, site, seconds="120")
    page.get_by_label("Your answer").press_sequentially("Weights are shared across positions")
    page.wait_for_timeout(300)  # a person's pause before reloading; the browser commits storage meanwhile
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("Weights are shared across positions")
    expect(page.get_by_role("status").filter(has_text="We put back the answer")).to_be_visible()

    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    assert Answer.objects.get().text == "Weights are shared across positions"
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('prepsite:draft:')).length"
    page.wait_for_function(f"{drafts} === 0")


def test_an_answer_sent_when_the_clock_reaches_zero_reads_time_ran_out(page, site):
    start_interview(page, site, seconds="10")
    page.get_by_label("Your answer").fill("Half a thought")
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Time ran out")).to_be_visible()
    answer = Answer.objects.get()
    assert answer.ran_out and answer.text == "Half a thought"


def test_the_address_bar_follows_the_page_after_htmx_swaps(page, site):
    start_interview(page, site, seconds="120")
    page.get_by_label("Your answer").fill("first")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    page.get_by_label("3 Partial").check()
    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    # While question 2's clock runs, the dot for question 1 is an indicator, not a way out.
    expect(page.get_by_role("link", name="Review question 1")).to_have_count(0)
    assert re.search(r"/interviews/[0-9a-f-]{36}/$", page.url)
