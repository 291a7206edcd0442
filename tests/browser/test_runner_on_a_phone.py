"""The runner on a 390×844 phone and a 1280×800 laptop: the score and Next in reach, nothing covered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sessions.models import Answer
from tests.sessions.conftest import make_bank

from .test_interview_in_browser import start_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
# A model answer as long as the bank's longest: on a phone it fills several screens.
PARAGRAPH = "the gradient flows back through each layer. " * 12
LONG_ANSWER = "\n\n".join(f"Paragraph {i}: {PARAGRAPH}" for i in range(6))


@pytest.fixture
def site(live_server):
    for question in make_bank(6):
        question.answer = LONG_ANSWER
        question.save()  # renders answer_html
    return live_server.url


def in_viewport(locator, viewport) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def answer_first_question(page, site):
    start_interview(page, site, count="2", seconds="120")
    page.get_by_label("Your answer").fill("Short answer")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()


def test_on_a_phone_the_score_and_next_are_on_screen_right_after_the_reveal(page, site):
    page.set_viewport_size(PHONE)
    answer_first_question(page, site)

    # Without scrolling: the page is far taller than the screen, yet every score and Next are in view.
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * PHONE["height"]
    scores = page.get_by_role("radiogroup", name="Self-score")
    expect(scores).to_be_visible()
    for label in ("1 Missed it", "2 Weak", "3 Partial", "4 Solid", "5 Interview-ready"):
        radio = scores.get_by_role("radio", name=label)
        assert in_viewport(radio, PHONE), label
        box = radio.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, label  # the whole cell is the touch target
    next_button = page.get_by_role("button", name="Next question")
    assert in_viewport(next_button, PHONE)
    # One set of radios, in the one score form.
    assert page.locator("input[name=score]").count() == 5
    assert page.locator("#score-form input[name=score]").count() == 5

    scores.get_by_role("radio", name="4 Solid").check()
    next_button.click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    assert Answer.objects.get(item__position=1).score == 4


def test_on_a_phone_the_bar_covers_nothing_at_the_end_of_the_page(page, site):
    page.set_viewport_size(PHONE)
    answer_first_question(page, site)
    expect(page.get_by_text("Keyboard:")).to_be_visible()  # the script has set the page up: its final height
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    bar_top = page.locator("[data-score-bar]").bounding_box()["y"]
    footer = page.locator(".site-footer p").bounding_box()
    assert footer["y"] + footer["height"] <= bar_top


def test_on_a_phone_a_missing_score_is_said_in_the_bar(page, site):
    page.set_viewport_size(PHONE)
    answer_first_question(page, site)
    page.get_by_role("button", name="Next question").click()
    error = page.get_by_role("alert").filter(has_text="Choose a self-score")
    expect(error).to_be_visible()
    assert in_viewport(error, PHONE)


def test_the_progress_dots_are_touch_targets_of_24_px(page, site):
    page.set_viewport_size(PHONE)
    answer_first_question(page, site)
    page.get_by_label("3 Partial").check()
    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    page.get_by_role("textbox", name="Your answer").fill("Second")
    page.get_by_role("button", name="Submit answer").click()
    back = page.get_by_role("link", name="Review question 1")
    box = back.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24


def test_on_a_laptop_a_short_answer_does_not_stretch_to_the_model_answer(page, site):
    page.set_viewport_size(LAPTOP)
    answer_first_question(page, site)
    yours = page.locator("section", has=page.get_by_role("heading", name="Your answer")).bounding_box()
    model = page.locator("section", has=page.get_by_role("heading", name="Model answer")).bounding_box()
    assert yours["x"] < model["x"]  # side by side
    assert yours["height"] < model["height"] / 2
    # On a laptop the score sits in the page, not in a fixed bar.
    assert page.locator("[data-score-bar]").evaluate("e => getComputedStyle(e).position") == "static"
