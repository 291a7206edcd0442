"""In the browser: the history page's readiness form and charts, readable at phone and laptop widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from questions.models import Company
from sessions.models import InterviewPlan
from tests.sessions.conftest import make_bank

from .test_review_schedule import past_interview, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="correct horse battery")


def test_an_anonymous_candidate_sets_an_interview_date_and_sees_readiness(page, live_server):
    questions = make_bank(6)
    google = Company.objects.create(slug="google", name="Google")
    for q in questions[:4]:
        q.companies.add(google)
    day = timezone.localdate() + timedelta(days=9)

    page.goto(live_server.url + "/history/")
    readiness = page.get_by_role("region", name="Ready for your interview?")
    expect(readiness.get_by_text("Set the day of your interview")).to_be_visible()
    readiness.get_by_label("Interview date").fill(day.isoformat())
    readiness.get_by_label("Company (optional)").select_option("google")
    readiness.get_by_role("button", name="Set interview date").click()

    expect(page.get_by_role("status").filter(has_text="Interview date set")).to_be_visible()
    readiness = page.get_by_role("region", name="Ready for your interview?")
    expect(readiness.get_by_text("9 days to your interview")).to_be_visible()
    expect(
        readiness.get_by_text("You have practised 0 of the 4 published questions tagged Google.")
    ).to_be_visible()
    expect(readiness.get_by_text(re.compile(r"Practise about 1 question a day until then"))).to_be_visible()
    expect(readiness.get_by_role("listitem").filter(has_text="CNNs")).to_contain_text("0 of 2 practised")
    readiness.get_by_text("Show as a table").click()
    expect(readiness.get_by_role("row", name=re.compile("^Training"))).to_contain_text(
        "unknown (none practised)"
    )
    plan = InterviewPlan.objects.get()
    assert (plan.date, plan.company, plan.user) == (day, google, None)

    readiness.get_by_role("button", name="Remove the date").click()
    expect(page.get_by_text("Interview date removed.")).to_be_visible()
    assert not InterviewPlan.objects.exists()


def test_readiness_reflects_practised_questions(page, live_server, alice):
    questions = make_bank(6)
    past_interview(alice, questions[:2], days_ago=2, score=4)
    InterviewPlan.objects.create(user=alice, date=timezone.localdate() + timedelta(days=5))
    signed_in(page, live_server.url, alice)
    page.goto(live_server.url + "/history/")
    readiness = page.get_by_role("region", name="Ready for your interview?")
    expect(readiness.get_by_role("listitem").filter(has_text="CNNs")).to_contain_text(
        re.compile(r"\d+% recall\s*1 of 3 practised")
    )


# Every text node inside a chart, with the size it is drawn at: its computed font size times the
# scale of any SVG it sits in (a viewBox shrinks text that computed styles still call 16px).
CHART_TEXT_SIZES = """() => {
  const rows = [];
  for (const chart of document.querySelectorAll('.chart')) {
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim()) continue;
      const el = node.parentElement;
      if (el.closest('title')) continue;  // tooltips, not drawn
      const scale = el instanceof SVGElement ? el.getScreenCTM().a : 1;
      rows.push({
        chart: chart.closest('section').querySelector('h2').textContent,
        text: node.textContent.trim(),
        px: parseFloat(getComputedStyle(el).fontSize) * scale,
      });
    }
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), rows,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_every_chart_label_is_at_least_body_size(page, live_server, alice, width, height):
    questions = make_bank(6)
    past_interview(alice, questions[:3], days_ago=6, score=2)
    past_interview(alice, questions[3:], days_ago=2, score=4)
    InterviewPlan.objects.create(user=alice, date=timezone.localdate() + timedelta(days=7))
    signed_in(page, live_server.url, alice)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/history/")

    measured = page.evaluate(CHART_TEXT_SIZES)
    charts = {row["chart"] for row in measured["rows"]}
    assert charts == {
        "Score per interview",
        "Mastery per topic",
        "Reviews coming up",
        "Ready for your interview?",
        "Activity, last 12 weeks",
    }
    small = [row for row in measured["rows"] if row["px"] < measured["body"] - 0.01]
    assert not small, f"chart text below the body's {measured['body']}px: {small}"
    assert measured["overflow"] <= 0, "the page scrolls sideways"
    for label in ("100%", "Today", "CNNs"):
        assert any(row["text"] == label for row in measured["rows"]), label
