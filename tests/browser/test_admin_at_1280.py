"""The curator's question list at 1280×800: the table fits beside the filters, nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.sessions.conftest import make_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def curator_page(live_server, page, django_user_model):
    questions = make_bank(6)
    # The bank's longest prompts run to about 150 characters.
    questions[0].prompt = "When would you pick " + "a much longer prompt than the others " * 4 + "?"
    questions[0].save()
    django_user_model.objects.create_superuser("curator", password="a curator's passphrase")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a curator's passphrase")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/admin/questions/question/")
    return page


def test_the_question_list_fits_at_1280_px(curator_page):
    page = curator_page
    table = page.locator("#result_list").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert table["x"] + table["width"] <= filters["x"]  # beside the filters, not under or behind them
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.evaluate(
        "document.querySelector('.results').scrollWidth <= document.querySelector('.results').clientWidth"
    )
