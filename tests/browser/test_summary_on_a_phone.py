"""The summary on a 390 px phone: one card per question, its score on screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.sessions.conftest import make_bank

from .test_interview_in_browser import start_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_server):
    make_bank(6)
    return live_server.url


def finish_interview(page, site, scores: list[str]):
    start_interview(page, site, count=str(len(scores)), seconds="120")
    for n, label in enumerate(scores, start=1):
        expect(page.get_by_text(f"Question {n} of {len(scores)}")).to_be_visible()
        page.get_by_role("textbox", name="Your answer").fill(f"Answer {n}")
        page.get_by_role("button", name="Submit answer").click()
        page.get_by_label(label).check()
        page.locator("[data-next]").click()
    expect(page.get_by_role("heading", name="Interview summary")).to_be_visible()


def test_on_a_phone_every_questions_score_is_within_the_screen_width(page, site):
    finish_interview(page, site, ["4 Solid", "2 Weak", "5 Interview-ready"])
    page.set_viewport_size(PHONE)
    table = page.get_by_role("region", name="Question by question")
    scores = table.locator(".score-pill")
    expect(scores).to_have_count(3)
    for n in range(3):
        box = scores.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], n
    expect(scores.nth(0)).to_have_text("4 Solid")
    # Each card names its score; nothing scrolls sideways.
    assert table.locator("td[data-label=Score]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.querySelector('.table-wrap').scrollWidth") <= PHONE["width"]


def test_on_a_laptop_the_summary_is_still_a_table(page, site):
    finish_interview(page, site, ["3 Partial"])
    header = page.get_by_role("columnheader", name="Score").first
    expect(header).to_be_visible()
    row = page.locator(".cards-on-phone tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "table-row"
