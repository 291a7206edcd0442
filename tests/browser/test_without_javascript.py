"""In the browser: with JavaScript off nothing is promised that only the script does; focus rings show."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sessions.models import InterviewSession
from tests.sessions.conftest import make_bank

from .test_interview_in_browser import start_interview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    make_bank(6)
    return live_server.url


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_runner_gives_the_deadline_and_no_shortcuts(no_js_page, site):
    page = no_js_page
    page.goto(site + "/")
    page.get_by_role("button", name="Start interview").click()
    # Playwright's text search skips <noscript>, so the sentence is found by its class.
    deadline = page.locator(".timer-noscript")
    expect(deadline).to_be_visible()
    expect(deadline).to_contain_text("does not count down without JavaScript")
    expect(deadline).to_contain_text(re.compile(r"Answer by \d\d:\d\d:\d\d"))
    expect(page.get_by_text("Ctrl")).to_be_hidden()
    expect(page.get_by_text("your answer is sent as it is")).to_be_hidden()

    page.get_by_role("textbox", name="Your answer").fill("Typed without a script")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    expect(page.get_by_text("Keyboard:")).to_be_hidden()


def test_without_javascript_leaving_takes_two_steps(no_js_page, site):
    page = no_js_page
    page.goto(site + "/")
    page.get_by_role("button", name="Start interview").click()
    leave = page.get_by_role("button", name="Yes, leave the interview")
    expect(leave).to_be_hidden()
    page.get_by_text("Leave this interview").click()  # the disclosure opens: the first step
    assert InterviewSession.objects.get().status == "active"
    leave.click()
    expect(page.get_by_text("Interview left.")).to_be_visible()
    assert InterviewSession.objects.get().status == "abandoned"


def test_with_javascript_the_shortcuts_are_offered(page, site):
    start_interview(page, site, count="1", seconds="120")
    expect(page.get_by_text("When the clock reaches 0 your answer is sent as it is.")).to_be_visible()
    expect(page.locator(".timer-noscript")).to_have_count(0)


def luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", rgb)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_from_every_background_of_its_theme(browser, site, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site + "/accounts/signup/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link, on the header
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    backgrounds = page.evaluate(
        """() => [document.body, document.querySelector('.site-header'), document.querySelector('.card')]
               .map(e => getComputedStyle(e).backgroundColor)"""
    )
    for background in backgrounds:
        assert contrast(ring, background) >= 3, (scheme, ring, background)
    context.close()
